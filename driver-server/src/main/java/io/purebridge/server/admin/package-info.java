/**
 * {@code purebridge-admin}, the command line client of ArrayAdminService:
 * {@code java -cp driver-server-<ver>-all.jar io.purebridge.server.admin.AdminMain write|read|checksum|space ...}
 * (or {@code bin/purebridge-admin}). See {@link io.purebridge.server.admin.AdminMain} for exit codes.
 */
package io.purebridge.server.admin;

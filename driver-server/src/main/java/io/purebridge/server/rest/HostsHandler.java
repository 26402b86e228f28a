package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.HostRecord;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code /hosts}: GET, POST (initiators, personality, CHAP), PATCH (personality, CHAP), DELETE. Hosts have no id. */
final class HostsHandler implements ResourceHandler {
    static final Set<String> PERSONALITIES = Set.of("aix", "esxi", "hitachi-vsp", "hpux", "oracle-vm-server",
            "solaris", "vms", "nutanix-mgmt", "nutanix-cluster");
    private static final Set<String> GET_PARAMS = VolumesHandler.with(Listing.PAGING_PARAMS, "names", "destroyed");
    private static final Set<String> NAMES_ONLY = Set.of("names");
    private static final Set<String> POST_FIELDS = Set.of("iqns", "wwns", "nqns", "personality", "chap",
            "chap.host_user", "chap.host_password");
    private static final Set<String> PATCH_FIELDS = Set.of("personality", "chap", "chap.host_user", "chap.host_password");

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        return switch (call.method()) {
            case "GET" -> get(call, ctx);
            case "POST" -> post(call, ctx);
            case "PATCH" -> patch(call, ctx);
            case "DELETE" -> delete(call, ctx);
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }

    private Reply get(RestCall call, ArrayContext ctx) {
        call.allowParams(GET_PARAMS);
        List<ObjectNode> items = new ArrayList<>();
        for (HostRecord h : ctx.array().listHosts()) {
            items.add(JsonViews.host(h));
        }
        return Listing.page(call, Selection.select(call, items, "Host"));
    }

    private Reply post(RestCall call, ArrayContext ctx) {
        call.allowParams(NAMES_ONLY);
        call.allowFields(POST_FIELDS);
        List<String> names = call.requiredNames();
        names.forEach(Names::checkHost);
        List<String> iqns = Bodies.stringList(call.body(), "iqns");
        List<String> wwns = Bodies.stringList(call.body(), "wwns");
        List<String> nqns = Bodies.stringList(call.body(), "nqns");
        Settings s = settings(call);
        List<ObjectNode> items = new ArrayList<>();
        for (String name : names) {
            try {
                HostRecord h = ctx.array().createHost(name, iqns, wwns, nqns);
                if (s.any()) {
                    h = ctx.array().updateHost(name, s.personality(), s.chapUser(), s.chapSecret());
                }
                items.add(JsonViews.host(h));
            } catch (EngineException e) {
                throw EngineErrors.toRest(e, "Host", name);
            }
        }
        return Reply.items(items);
    }

    private Reply patch(RestCall call, ArrayContext ctx) {
        call.allowParams(NAMES_ONLY);
        call.allowFields(PATCH_FIELDS);
        Bodies.require(call);
        List<String> names = call.requiredNames();
        Settings s = settings(call);
        if (!s.any()) {
            throw FaRestError.badRequest(null, "Missing parameter: give personality or chap.");
        }
        List<ObjectNode> items = new ArrayList<>();
        EngineErrors.forEachName(names, "Host", name -> items.add(JsonViews.host(
                ctx.array().updateHost(name, s.personality(), s.chapUser(), s.chapSecret()))));
        return Reply.items(items);
    }

    private Reply delete(RestCall call, ArrayContext ctx) {
        call.allowParams(NAMES_ONLY);
        EngineErrors.forEachName(call.requiredNames(), "Host", name -> ctx.array().deleteHost(name));
        return Reply.empty();
    }

    private record Settings(String personality, String chapUser, String chapSecret) {
        boolean any() {
            return personality != null || chapUser != null || chapSecret != null;
        }
    }

    private static Settings settings(RestCall call) {
        String personality = Bodies.textField(call.body(), "personality");
        if (personality != null && !personality.isEmpty() && !PERSONALITIES.contains(personality)) {
            throw FaRestError.badRequest(null, "Invalid value for personality: '" + personality + "' is not one of "
                    + PERSONALITIES + ".");
        }
        ObjectNode chap = Bodies.objectField(call.body(), "chap");
        String user = chap == null ? null : Bodies.textField(chap, "host_user");
        String secret = chap == null ? null : Bodies.textField(chap, "host_password");
        if (secret != null && !secret.isEmpty() && (secret.length() < 12 || secret.length() > 255)) {
            // Never echo the secret itself.
            throw FaRestError.badRequest(null, "Invalid value for chap.host_password: it must be 12 to 255 characters.");
        }
        return new Settings(personality, user, secret);
    }
}

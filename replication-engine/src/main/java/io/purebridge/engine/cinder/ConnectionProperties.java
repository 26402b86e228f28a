package io.purebridge.engine.cinder;

import java.util.List;
import java.util.Map;

/** Connection info for os-brick, one shape per protocol (driver_volume_type). */
public sealed interface ConnectionProperties {

    /** driver_volume_type "iscsi": parallel lists, one entry per (array, port). */
    record Iscsi(
            List<String> targetIqns,
            List<String> targetPortals,
            List<Integer> targetLuns,
            String wwn,
            String authMethod,
            String authUsername,
            String authPassword) implements ConnectionProperties {
        public Iscsi {
            targetIqns = List.copyOf(targetIqns);
            targetPortals = List.copyOf(targetPortals);
            targetLuns = List.copyOf(targetLuns);
        }

        @Override
        public String toString() {
            return "Iscsi[targetIqns=" + targetIqns + ", targetPortals=" + targetPortals
                    + ", targetLuns=" + targetLuns + ", wwn=" + wwn + ", authMethod=" + authMethod
                    + ", authUsername=" + authUsername + ", authPassword=****]";
        }
    }

    /** driver_volume_type "fibre_channel". Empty lists on terminate mean "keep the zones". */
    record FibreChannel(
            List<String> targetWwns,
            List<Integer> targetLuns,
            String wwn,
            Map<String, List<String>> initiatorTargetMap) implements ConnectionProperties {
        public FibreChannel {
            targetWwns = List.copyOf(targetWwns);
            targetLuns = List.copyOf(targetLuns);
            initiatorTargetMap = Map.copyOf(initiatorTargetMap);
        }
    }

    /** driver_volume_type "nvmeof". */
    record Nvmeof(String targetNqn, List<NvmePortal> portals, String volumeNguid) implements ConnectionProperties {
        public Nvmeof {
            portals = List.copyOf(portals);
        }
    }

    /** One NVMe portal: transport is "tcp" or "rdma". */
    record NvmePortal(String address, int port, String transport) {
    }
}

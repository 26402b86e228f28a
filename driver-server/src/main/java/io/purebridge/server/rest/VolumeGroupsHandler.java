package io.purebridge.server.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.purebridge.engine.array.QosLimits;
import io.purebridge.engine.array.VolumeGroupRecord;
import io.purebridge.engine.array.VolumeGroups;
import io.purebridge.engine.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /volume-groups}: GET, POST ({@code qos}), PATCH ({@code name}, {@code destroyed},
 * {@code qos}), DELETE (eradicate, optionally with {@code eradicate_contents}). 404 for an array
 * without {@link VolumeGroups}.
 */
final class VolumeGroupsHandler implements ResourceHandler {
    private static final String KIND = "Volume group";
    private static final Set<String> GET_PARAMS = VolumesHandler.with(Listing.PAGING_PARAMS, "names", "ids", "destroyed");
    private static final Set<String> POST_PARAMS = Set.of("names");
    private static final Set<String> PATCH_PARAMS = Set.of("names");
    private static final Set<String> PATCH_FIELDS = VolumesHandler.with(VolumeFeatures.QOS_FIELDS, "name", "destroyed");
    private static final Set<String> DELETE_PARAMS = Set.of("names", "eradicate_contents");

    @Override
    public Reply handle(RestCall call, ArrayContext ctx) {
        VolumeGroups groups = VolumeFeatures.groups(call, ctx);
        return switch (call.method()) {
            case "GET" -> get(call, ctx, groups);
            case "POST" -> post(call, ctx, groups);
            case "PATCH" -> patch(call, ctx, groups);
            case "DELETE" -> delete(call, groups);
            default -> throw ResourceHandler.methodNotAllowed(call);
        };
    }

    private Reply get(RestCall call, ArrayContext ctx, VolumeGroups groups) {
        call.allowParams(GET_PARAMS);
        List<ObjectNode> items = new ArrayList<>();
        for (VolumeGroupRecord g : groups.listVolumeGroups()) {
            items.add(VolumeFeatures.group(g, ctx));
        }
        return Listing.page(call, Selection.select(call, items, KIND));
    }

    private Reply post(RestCall call, ArrayContext ctx, VolumeGroups groups) {
        call.allowParams(POST_PARAMS);
        call.allowFields(VolumeFeatures.QOS_FIELDS);
        List<String> names = call.requiredNames();
        QosLimits requested = VolumeFeatures.postQos(call.body());
        QosLimits qos = VolumeFeatures.checked(requested == null ? QosLimits.UNLIMITED : requested, "volume group");
        List<ObjectNode> items = new ArrayList<>();
        EngineErrors.forEachName(names, KIND, name -> items.add(VolumeFeatures.group(groups.createVolumeGroup(name, qos), ctx)));
        return Reply.items(items);
    }

    private Reply patch(RestCall call, ArrayContext ctx, VolumeGroups groups) {
        call.allowParams(PATCH_PARAMS);
        call.allowFields(PATCH_FIELDS);
        Bodies.require(call);
        List<String> names = call.requiredNames();
        Boolean destroyed = Bodies.boolField(call.body(), "destroyed");
        String newName = Bodies.textField(call.body(), "name");
        boolean setQos = VolumeFeatures.hasQosPatch(call.body());
        if (destroyed == null && newName == null && !setQos) {
            throw FaRestError.badRequest(null, "Missing parameter: give destroyed, name or qos.");
        }
        if (newName != null && names.size() != 1) {
            throw FaRestError.badRequest(null, "Invalid parameters: rename one volume group at a time.");
        }
        // Parse and range-check the QoS of every group before changing any.
        List<QosLimits> limits = new ArrayList<>();
        for (String name : names) {
            QosLimits current = groups.findVolumeGroup(name).map(VolumeGroupRecord::qos).orElse(QosLimits.UNLIMITED);
            limits.add(VolumeFeatures.checked(VolumeFeatures.patchQos(call.body(), current), "volume group " + name));
        }
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String current = names.get(i);
            try {
                if (Boolean.FALSE.equals(destroyed)) {
                    groups.recoverVolumeGroup(current);
                }
                if (setQos) {
                    groups.setVolumeGroupQos(current, limits.get(i));
                }
                if (newName != null && !newName.equals(current)) {
                    current = groups.renameVolumeGroup(current, newName).name();
                }
                VolumeGroupRecord g = Boolean.TRUE.equals(destroyed) ? groups.destroyVolumeGroup(current)
                        : groups.findVolumeGroup(current).orElseThrow(() -> EngineException.notFound(
                                "VOLUME_GROUP_NOT_FOUND", "Volume group does not exist."));
                items.add(VolumeFeatures.group(g, ctx));
            } catch (EngineException e) {
                throw EngineErrors.toRest(e, KIND, current);
            }
        }
        return Reply.items(items);
    }

    private Reply delete(RestCall call, VolumeGroups groups) {
        call.allowParams(DELETE_PARAMS);
        if (call.body() != null && call.body().size() > 0) {
            throw FaRestError.badRequest(null, "Invalid parameter: DELETE /volume-groups takes no body.");
        }
        boolean contents = Boolean.TRUE.equals(call.bool("eradicate_contents"));
        EngineErrors.forEachName(call.requiredNames(), KIND, name -> groups.eradicateVolumeGroup(name, contents));
        return Reply.empty();
    }
}

package io.purebridge.server.grpc;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.purebridge.engine.array.ArraySpace;
import io.purebridge.engine.array.BlockDataAccess;
import io.purebridge.engine.array.FlashArray;
import io.purebridge.engine.array.SnapshotRecord;
import io.purebridge.engine.array.VolumeRecord;
import io.purebridge.engine.array.VolumeSpace;
import io.purebridge.engine.error.EngineException;
import io.purebridge.server.data.DataObject;
import io.purebridge.server.data.DataReadStreamer;
import io.purebridge.server.data.DataWriteObserver;
import io.purebridge.server.data.WriteTarget;
import io.purebridge.server.mapping.Required;
import io.purebridge.v1.ArrayAccess;
import io.purebridge.v1.ArrayAdminServiceGrpc;
import io.purebridge.v1.ArraySpaceFigures;
import io.purebridge.v1.ChecksumDataRequest;
import io.purebridge.v1.ChecksumDataResponse;
import io.purebridge.v1.GetSpaceRequest;
import io.purebridge.v1.GetSpaceResponse;
import io.purebridge.v1.ReadDataRequest;
import io.purebridge.v1.ReadDataResponse;
import io.purebridge.v1.VolumeSpaceFigures;
import io.purebridge.v1.WriteDataHeader;
import io.purebridge.v1.WriteDataRequest;
import io.purebridge.v1.WriteDataResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The gRPC adapter of ArrayAdminService: the bytes and space of simulated arrays, reached by array
 * name and API token (request field, else the {@code x-api-token} metadata). Errors go through
 * {@link StatusMapper}; tokens are never logged or echoed.
 */
public final class ArrayAdminGrpcService extends ArrayAdminServiceGrpc.ArrayAdminServiceImplBase {
    private final ArrayOpener arrays;
    private final StatusMapper statusMapper;

    public ArrayAdminGrpcService(ArrayOpener arrays, StatusMapper statusMapper) {
        this.arrays = Objects.requireNonNull(arrays, "arrays");
        this.statusMapper = Objects.requireNonNull(statusMapper, "statusMapper");
    }

    @Override
    public StreamObserver<WriteDataRequest> writeData(StreamObserver<WriteDataResponse> out) {
        return new DataWriteObserver<>("WriteData", new DataWriteObserver.Parts<>() {
            @Override
            public Object header(WriteDataRequest message) {
                return message.hasHeader() ? message.getHeader() : null;
            }

            @Override
            public ByteString data(WriteDataRequest message) {
                return message.getPartCase() == WriteDataRequest.PartCase.DATA ? message.getData() : null;
            }
        }, header -> writeTarget((WriteDataHeader) header),
                written -> WriteDataResponse.newBuilder().setBytesWritten(written).build(), out, statusMapper);
    }

    @Override
    public void readData(ReadDataRequest request, StreamObserver<ReadDataResponse> out) {
        DataObject object;
        long length;
        try {
            object = readable(request.getAccess(), request.hasAccess(), request.getObject());
            length = object.resolveLength(request.getOffsetBytes(), request.getLengthBytes());
        } catch (RuntimeException e) {
            out.onError(statusMapper.toStatus("ReadData", e));
            return;
        }
        DataReadStreamer.start("ReadData", object, request.getOffsetBytes(), length,
                (offset, data) -> ReadDataResponse.newBuilder().setOffsetBytes(offset).setData(data).build(),
                out, statusMapper);
    }

    @Override
    public void checksumData(ChecksumDataRequest request, StreamObserver<ChecksumDataResponse> out) {
        statusMapper.respond("ChecksumData", out, () -> {
            DataObject object = readable(request.getAccess(), request.hasAccess(), request.getObject());
            long length = object.resolveLength(request.getOffsetBytes(), request.getLengthBytes());
            String sha = object.access().checksum(object.name(), request.getOffsetBytes(), length);
            return ChecksumDataResponse.newBuilder().setSha256Hex(sha).setOffsetBytes(request.getOffsetBytes())
                    .setLengthBytes(length).build();
        });
    }

    @Override
    public void getSpace(GetSpaceRequest request, StreamObserver<GetSpaceResponse> out) {
        statusMapper.respond("GetSpace", out, () -> {
            FlashArray array = open(request.getAccess(), request.hasAccess());
            GetSpaceResponse.Builder response = GetSpaceResponse.newBuilder().setArray(figures(array.space()));
            Set<String> names = new LinkedHashSet<>(request.getVolumesList());
            if (request.getAllVolumes()) {
                array.listVolumes().stream().filter(v -> !v.destroyed()).map(VolumeRecord::name).forEach(names::add);
            }
            if (!names.isEmpty()) {
                BlockDataAccess data = dataAccess(array, request.getAccess().getArray());
                List<VolumeSpaceFigures> volumes = new ArrayList<>();
                for (String name : names) {
                    volumes.add(figures(name, data.volumeSpace(name)));
                }
                response.addAllVolumes(volumes);
            }
            return response.build();
        });
    }

    private FlashArray open(ArrayAccess access, boolean present) {
        Required.present(present, "access");
        String name = Required.text(access.getArray(), "access.array");
        String token = access.getApiToken().isEmpty() ? ApiTokenInterceptor.API_TOKEN.get() : access.getApiToken();
        if (token.isEmpty()) {
            throw Required.missing("access.api_token (or the x-api-token call metadata)");
        }
        return arrays.open(name, token);
    }

    private WriteTarget writeTarget(WriteDataHeader header) {
        FlashArray array = open(header.getAccess(), header.hasAccess());
        String name = Required.text(header.getVolume(), "header.volume");
        BlockDataAccess data = dataAccess(array, header.getAccess().getArray());
        Optional<VolumeRecord> volume = array.findVolume(name);
        if (volume.isEmpty()) {
            if (array.findSnapshot(name).isPresent()) {
                throw EngineException.failedPrecondition("SNAPSHOT_READ_ONLY", "Cannot write to " + name
                        + ": snapshots are read-only; write to a volume or revert.");
            }
            throw volumeNotFound(name, header.getAccess().getArray());
        }
        if (volume.get().destroyed()) {
            throw EngineException.failedPrecondition("DESTROYED", "Volume " + name
                    + " has been destroyed; recover it before writing.");
        }
        OptionalLong length = header.hasLengthBytes() ? OptionalLong.of(header.getLengthBytes()) : OptionalLong.empty();
        return new WriteTarget(new DataObject(name, volume.get().provisionedBytes(), data), header.getOffsetBytes(),
                length);
    }

    private DataObject readable(ArrayAccess access, boolean present, String object) {
        FlashArray array = open(access, present);
        String name = Required.text(object, "object");
        String arrayName = access.getArray();
        BlockDataAccess data = dataAccess(array, arrayName);
        Optional<VolumeRecord> volume = array.findVolume(name);
        if (volume.isPresent()) {
            return new DataObject(name, volume.get().provisionedBytes(), data);
        }
        Optional<SnapshotRecord> snapshot = array.findSnapshot(name);
        if (snapshot.isPresent()) {
            return new DataObject(name, snapshot.get().provisionedBytes(), data);
        }
        throw volumeNotFound(name, arrayName);
    }

    private static BlockDataAccess dataAccess(FlashArray array, String arrayName) {
        if (array instanceof BlockDataAccess data) {
            return data;
        }
        throw EngineException.failedPrecondition("NO_DATA_PATH", "Array " + arrayName
                + " does not store data in this service.");
    }

    private static EngineException volumeNotFound(String name, String arrayName) {
        return EngineException.notFound("VOLUME_NOT_FOUND", "No volume or snapshot " + name + " on array "
                + arrayName + "; list the array's volumes to find its name.");
    }

    private static ArraySpaceFigures figures(ArraySpace space) {
        return ArraySpaceFigures.newBuilder()
                .setCapacityBytes(space.capacityBytes())
                .setTotalPhysicalBytes(space.totalPhysicalBytes())
                .setTotalProvisionedBytes(space.totalProvisionedBytes())
                .setUniqueBytes(space.uniqueBytes())
                .setSnapshotsBytes(space.snapshotsBytes())
                .setDataReduction(space.dataReduction())
                .setTotalReduction(space.totalReduction())
                .build();
    }

    private static VolumeSpaceFigures figures(String name, VolumeSpace space) {
        return VolumeSpaceFigures.newBuilder()
                .setVolume(name)
                .setProvisionedBytes(space.provisionedBytes())
                .setVirtualBytes(space.virtualBytes())
                .setUniqueBytes(space.uniqueBytes())
                .setSnapshotsBytes(space.snapshotsBytes())
                .setDataReduction(space.dataReduction())
                .setTotalReduction(space.totalReduction())
                .build();
    }
}

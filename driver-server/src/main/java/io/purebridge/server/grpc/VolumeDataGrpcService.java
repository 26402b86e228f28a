package io.purebridge.server.grpc;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.purebridge.engine.cinder.BackendRegistry;
import io.purebridge.engine.cinder.CinderVolume;
import io.purebridge.engine.cinder.VolumeData;
import io.purebridge.server.data.DataObject;
import io.purebridge.server.data.DataReadStreamer;
import io.purebridge.server.data.DataWriteObserver;
import io.purebridge.server.data.WriteTarget;
import io.purebridge.server.mapping.RequestMapper;
import io.purebridge.server.mapping.Required;
import io.purebridge.v1.ReadVolumeDataRequest;
import io.purebridge.v1.ReadVolumeDataResponse;
import io.purebridge.v1.Volume;
import io.purebridge.v1.VolumeDataServiceGrpc;
import io.purebridge.v1.WriteVolumeDataHeader;
import io.purebridge.v1.WriteVolumeDataRequest;
import io.purebridge.v1.WriteVolumeDataResponse;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The gRPC adapter of VolumeDataService: a Cinder volume's bytes through its registered backend
 * ({@link io.purebridge.engine.cinder.CinderBackend#volumeData}), for the shim's image and backup
 * copies on simulated arrays.
 */
public final class VolumeDataGrpcService extends VolumeDataServiceGrpc.VolumeDataServiceImplBase {
    private final BackendRegistry registry;
    private final StatusMapper statusMapper;

    public VolumeDataGrpcService(BackendRegistry registry, StatusMapper statusMapper) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.statusMapper = Objects.requireNonNull(statusMapper, "statusMapper");
    }

    @Override
    public StreamObserver<WriteVolumeDataRequest> writeVolumeData(StreamObserver<WriteVolumeDataResponse> out) {
        return new DataWriteObserver<>("WriteVolumeData", new DataWriteObserver.Parts<>() {
            @Override
            public Object header(WriteVolumeDataRequest message) {
                return message.hasHeader() ? message.getHeader() : null;
            }

            @Override
            public ByteString data(WriteVolumeDataRequest message) {
                return message.getPartCase() == WriteVolumeDataRequest.PartCase.DATA ? message.getData() : null;
            }
        }, header -> writeTarget((WriteVolumeDataHeader) header),
                written -> WriteVolumeDataResponse.newBuilder().setBytesWritten(written).build(), out, statusMapper);
    }

    @Override
    public void readVolumeData(ReadVolumeDataRequest request, StreamObserver<ReadVolumeDataResponse> out) {
        DataObject object;
        long length;
        try {
            object = resolve(request.getBackendName(), request.hasVolume(), request.getVolume());
            length = object.resolveLength(request.getOffsetBytes(), request.getLengthBytes());
        } catch (RuntimeException e) {
            out.onError(statusMapper.toStatus("ReadVolumeData", e));
            return;
        }
        DataReadStreamer.start("ReadVolumeData", object, request.getOffsetBytes(), length,
                (offset, data) -> ReadVolumeDataResponse.newBuilder().setOffsetBytes(offset).setData(data).build(),
                out, statusMapper);
    }

    private WriteTarget writeTarget(WriteVolumeDataHeader header) {
        DataObject object = resolve(header.getBackendName(), header.hasVolume(), header.getVolume());
        OptionalLong length = header.hasLengthBytes() ? OptionalLong.of(header.getLengthBytes()) : OptionalLong.empty();
        return new WriteTarget(object, header.getOffsetBytes(), length);
    }

    private DataObject resolve(String backendName, boolean hasVolume, Volume volume) {
        String backend = Required.text(backendName, "backend_name");
        CinderVolume cinderVolume = RequestMapper.volume(hasVolume, volume, "volume");
        VolumeData data = registry.backend(backend).volumeData(cinderVolume);
        return new DataObject(data.arrayVolumeName(), data.sizeBytes(), data.access());
    }
}

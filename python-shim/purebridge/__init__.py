"""purebridge: Cinder volume driver that forwards every call to the purebridge gRPC service."""

# Generated gRPC stubs (volume_driver_pb2*.py) land here: run `make python-stubs`.

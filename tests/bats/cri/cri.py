#!/usr/bin/env python3
"""A minimal CRI client for the tests (Debian has no crictl).

Usage: cri.py SOCKET METHOD [JSON]
Calls runtime.v1.RuntimeService/METHOD on the unix socket SOCKET with the
request METHOD + "Request" built from JSON (protobuf's JSON mapping, field
names as in the proto), and prints the response as JSON on stdout. A gRPC
error is printed on stderr as "CODE: details" and the exit status is 1.
ExecSync's stdout and stderr are printed decoded, as
{"stdout": "...", "stderr": "...", "exitCode": N}.

The generated module comes from runtime_v1.proto beside this file:
protoc runs at first use into $CRI_PB_DIR (required), so nothing generated
is committed.
"""
import json
import os
import subprocess
import sys


def load_module():
    out = os.environ["CRI_PB_DIR"]
    here = os.path.dirname(os.path.abspath(__file__))
    if not os.path.exists(os.path.join(out, "runtime_v1_pb2.py")):
        subprocess.run(["protoc", "-I", here, "--python_out", out, "runtime_v1.proto"], check=True)
    sys.path.insert(0, out)
    import runtime_v1_pb2  # noqa: E402 (generated above)
    return runtime_v1_pb2


def main():
    if len(sys.argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    import grpc
    from google.protobuf import json_format

    socket, method = sys.argv[1], sys.argv[2]
    pb = load_module()
    request = json_format.Parse(sys.argv[3] if len(sys.argv) == 4 else "{}", getattr(pb, method + "Request")())
    channel = grpc.insecure_channel("unix://" + socket)
    call = channel.unary_unary(
        "/runtime.v1.RuntimeService/" + method,
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=getattr(pb, method + "Response").FromString,
    )
    try:
        response = call(request, timeout=120)
    except grpc.RpcError as e:
        sys.stderr.write("%s: %s\n" % (e.code().name, e.details()))
        return 1
    if method == "ExecSync":
        print(json.dumps({"stdout": response.stdout.decode(errors="replace"),
                          "stderr": response.stderr.decode(errors="replace"),
                          "exitCode": response.exit_code}))
    else:
        print(json_format.MessageToJson(response, indent=None))
    return 0


if __name__ == "__main__":
    sys.exit(main())

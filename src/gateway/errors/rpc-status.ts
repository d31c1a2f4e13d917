// google.rpc.Status, the body OTLP/HTTP error responses carry, in the request's wire format:
// protobuf (code = field 1 int32, message = field 2 string; details omitted) or JSON.

export interface RpcStatus {
  code: number;
  message: string;
}

export function encodeRpcStatusProtobuf(status: RpcStatus): Buffer {
  const message = Buffer.from(status.message, 'utf8');
  const parts: number[] = [];
  if (status.code !== 0) {
    parts.push(0x08, ...varint(status.code));
  }
  if (message.length > 0) {
    parts.push(0x12, ...varint(message.length));
  }
  return Buffer.concat([Buffer.from(parts), message]);
}

export function encodeRpcStatusJson(status: RpcStatus): Buffer {
  return Buffer.from(JSON.stringify({ code: status.code, message: status.message }), 'utf8');
}

function varint(value: number): number[] {
  // int32 negatives would need 10-byte sign extension; our codes are small positive constants.
  let remaining = value >>> 0;
  const bytes: number[] = [];
  while (remaining > 0x7f) {
    bytes.push((remaining & 0x7f) | 0x80);
    remaining >>>= 7;
  }
  bytes.push(remaining);
  return bytes;
}

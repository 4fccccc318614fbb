package dev.rialto.onnxruntime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the smallest useful ONNX model by hand: {@code y = Sigmoid(x)}, x and y float32 {@code [N, 2]}.
 * Encoding the protobuf directly keeps the tests free of an ONNX toolchain.
 */
final class TinyModel {
    private TinyModel() {
    }

    static byte[] sigmoid() {
        byte[] node = new Proto().string(1, "x").string(2, "y").string(3, "sig").string(4, "Sigmoid").bytes();
        byte[] graph = new Proto().message(1, node).string(2, "tiny").message(11, valueInfo("x"))
                .message(12, valueInfo("y")).bytes();
        byte[] opset = new Proto().string(1, "").varint(2, 13).bytes();
        return new Proto().varint(1, 7).string(2, "rialto-test").message(7, graph).message(8, opset).bytes();
    }

    private static byte[] valueInfo(String name) {
        byte[] batch = new Proto().string(2, "N").bytes();
        byte[] two = new Proto().varint(1, 2).bytes();
        byte[] shape = new Proto().message(1, batch).message(1, two).bytes();
        byte[] tensor = new Proto().varint(1, 1 /* FLOAT */).message(2, shape).bytes();
        byte[] type = new Proto().message(1, tensor).bytes();
        return new Proto().string(1, name).message(2, type).bytes();
    }

    /** Minimal protobuf writer: varint and length-delimited fields. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto string(int field, String value) {
            return message(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, byte[] value) {
            raw(((long) field << 3) | 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void raw(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}

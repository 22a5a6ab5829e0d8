package io.quiver.engine.quant;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian reads and writes of numbers inside code arrays. */
final class Codes {

  private static final VarHandle FLOAT =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private Codes() {}

  static float getFloat(byte[] a, int at) {
    return (float) FLOAT.get(a, at);
  }

  static void putFloat(byte[] a, int at, float v) {
    FLOAT.set(a, at, v);
  }

  static int getInt(byte[] a, int at) {
    return (int) INT.get(a, at);
  }

  static void putInt(byte[] a, int at, int v) {
    INT.set(a, at, v);
  }

  static long getLong(byte[] a, int at) {
    return (long) LONG.get(a, at);
  }

  static void putLong(byte[] a, int at, long v) {
    LONG.set(a, at, v);
  }
}

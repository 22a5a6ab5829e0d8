package io.quiver.spark.packaging;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The UTF-8 constants of a class file (JVMS 4.4): class, field and method names, descriptors,
 * signatures and string literals. Everything a class links against or names reflectively is one of
 * them, so they show whether relocation missed a reference.
 */
final class ConstantPool {

  private ConstantPool() {}

  static List<String> utf8(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    int magic = in.readInt();
    if (magic != 0xCAFEBABE) {
      throw new IOException("not a class file: magic " + Integer.toHexString(magic));
    }
    in.readUnsignedShort(); // minor version
    in.readUnsignedShort(); // major version
    int count = in.readUnsignedShort();
    List<String> strings = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1: // Utf8
          strings.add(in.readUTF());
          break;
        case 7: // Class
        case 8: // String
        case 16: // MethodType
        case 19: // Module
        case 20: // Package
          in.skipBytes(2);
          break;
        case 15: // MethodHandle
          in.skipBytes(3);
          break;
        case 3: // Integer
        case 4: // Float
        case 9: // Fieldref
        case 10: // Methodref
        case 11: // InterfaceMethodref
        case 12: // NameAndType
        case 17: // Dynamic
        case 18: // InvokeDynamic
          in.skipBytes(4);
          break;
        case 5: // Long
        case 6: // Double
          in.skipBytes(8);
          i++; // takes two entries
          break;
        default:
          throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
      }
    }
    return strings;
  }
}

package io.quiver.flink;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Tells Flink's type extraction to use {@link QuiverRecordSerializer} for {@link QuiverRecord}. */
public final class QuiverRecordTypeInfoFactory extends TypeInfoFactory<QuiverRecord> {

  @Override
  public TypeInformation<QuiverRecord> createTypeInfo(
      Type t, Map<String, TypeInformation<?>> genericParameters) {
    return TYPE;
  }

  /** {@link QuiverRecord}'s type information. */
  public static final TypeInformation<QuiverRecord> TYPE = new RecordType();

  private static final class RecordType extends TypeInformation<QuiverRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
      return false;
    }

    @Override
    public boolean isTupleType() {
      return false;
    }

    @Override
    public int getArity() {
      return 1;
    }

    @Override
    public int getTotalFields() {
      return 1;
    }

    @Override
    public Class<QuiverRecord> getTypeClass() {
      return QuiverRecord.class;
    }

    @Override
    public boolean isKeyType() {
      return false;
    }

    @Override
    public TypeSerializer<QuiverRecord> createSerializer(SerializerConfig config) {
      return QuiverRecordSerializer.INSTANCE;
    }

    @Override
    public String toString() {
      return "QuiverRecord";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RecordType;
    }

    @Override
    public int hashCode() {
      return RecordType.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
      return o instanceof RecordType;
    }
  }
}

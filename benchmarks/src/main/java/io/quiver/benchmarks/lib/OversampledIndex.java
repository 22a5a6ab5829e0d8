package io.quiver.benchmarks.lib;

import java.util.OptionalLong;

/**
 * A view of a {@link QuantizedAnnIndex} that always searches with one oversampling factor. It does
 * not own the index: closing the view leaves the index open.
 */
final class OversampledIndex implements AnnIndex {

  private final QuantizedAnnIndex index;
  private final double oversampling;

  OversampledIndex(QuantizedAnnIndex index, double oversampling) {
    if (!(oversampling >= 1.0)) {
      throw new IllegalArgumentException("oversampling must be >= 1; got " + oversampling);
    }
    this.index = index;
    this.oversampling = oversampling;
  }

  @Override
  public int[] search(float[] query, int k, int ef) throws Exception {
    return index.search(query, k, ef, oversampling);
  }

  @Override
  public long buildNanos() {
    return index.buildNanos();
  }

  @Override
  public OptionalLong graphBytes() {
    return index.graphBytes();
  }

  @Override
  public String graphBytesSource() {
    return index.graphBytesSource();
  }

  @Override
  public long offHeapBytes() {
    return index.offHeapBytes();
  }

  @Override
  public boolean usesEf() {
    return index.usesEf();
  }

  @Override
  public void close() {}
}

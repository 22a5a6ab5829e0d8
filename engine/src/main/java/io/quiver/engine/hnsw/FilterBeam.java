package io.quiver.engine.hnsw;

/**
 * How the beam of a filtered graph walk may widen: the share of nodes the filter is expected to
 * accept, and the widest beam allowed. The walk starts with the query's {@code ef}; where it finds
 * matches less than half as often as expected (a filter that rejects the query's whole
 * neighbourhood while accepting much elsewhere), the beam widens by {@code sqrt(expected /
 * observed)}, up to {@code maxEf}.
 *
 * @param selectivity the expected share of accepted nodes, in (0, 1]
 * @param maxEf the widest beam, at least the query's ef
 */
public record FilterBeam(double selectivity, int maxEf) {

  public FilterBeam {
    if (!(selectivity > 0 && selectivity <= 1)) {
      throw new IllegalArgumentException("selectivity must be in (0, 1]; got " + selectivity);
    }
    if (maxEf < 1) {
      throw new IllegalArgumentException("maxEf must be >= 1; got " + maxEf);
    }
  }
}

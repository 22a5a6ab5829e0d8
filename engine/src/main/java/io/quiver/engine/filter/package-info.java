/**
 * Qdrant payload filters: the filter model as immutable values ({@link
 * io.quiver.engine.filter.Filter}, {@link io.quiver.engine.filter.Condition}), the parser of
 * Qdrant's REST JSON ({@link io.quiver.engine.filter.FilterParser}), the brute-force reference
 * ({@link io.quiver.engine.filter.FilterEvaluator}) and the planner that answers a filter over one
 * segment's points through its field indexes ({@link io.quiver.engine.filter.FilterPlanner}).
 */
package io.quiver.engine.filter;

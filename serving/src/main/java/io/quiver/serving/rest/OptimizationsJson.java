package io.quiver.serving.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.shard.OptimizationProgress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Optimization progress in the shape of Qdrant's {@code GET /collections/{name}/optimizations}
 * (Qdrant 1.16 and later): {@code summary}, {@code running}, and with {@code ?with=completed} the
 * recently finished ones, newest first. Each optimization's {@code progress} tree is its kind with
 * one child, the current stage, and counts points ({@code done} of {@code total}).
 *
 * <p>What Quiver's optimizer does not track is left out rather than made up: it plans one
 * optimization at a time, so nothing is ever queued ({@code queued} is empty), and it does not
 * report which segments an optimization reads ({@code segments} is empty). The {@code uuid} is
 * derived from the kind and start time: stable for one optimization, but not the id of the segment
 * it builds.
 */
final class OptimizationsJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> WITH = Set.of("queued", "completed", "idle_segments");

  private OptimizationsJson() {}

  /**
   * @param progress the running optimization (first, if any) and the finished ones, oldest first
   * @param with Qdrant's comma-separated {@code with} parameter
   * @param completedLimit the most finished optimizations to list, or null for all kept
   */
  static ObjectNode of(
      int segments, List<OptimizationProgress> progress, String with, Integer completedLimit) {
    Set<String> extras = extras(with);
    if (completedLimit != null && completedLimit < 0) {
      throw new IllegalArgumentException("completed_limit must be >= 0; got " + completedLimit);
    }
    List<OptimizationProgress> running = new ArrayList<>();
    List<OptimizationProgress> completed = new ArrayList<>();
    for (OptimizationProgress p : progress) {
      (p.finishedAtMillis() == 0 ? running : completed).add(p);
    }
    ObjectNode out = NODES.objectNode();
    out.putObject("summary")
        .put("queued_optimizations", 0)
        .put("queued_segments", 0)
        .put("queued_points", 0)
        .put("idle_segments", Math.max(0, segments - running.size()));
    ArrayNode runningJson = out.putArray("running");
    running.forEach(p -> runningJson.add(optimization(p)));
    if (extras.contains("queued")) {
      out.putArray("queued");
    }
    if (extras.contains("completed")) {
      ArrayNode completedJson = out.putArray("completed");
      int limit = completedLimit == null ? completed.size() : completedLimit;
      for (int i = completed.size() - 1; i >= 0 && completedJson.size() < limit; i--) {
        completedJson.add(optimization(completed.get(i)));
      }
    }
    return out;
  }

  private static Set<String> extras(String with) {
    Set<String> out = new java.util.HashSet<>();
    for (String part : with.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (!WITH.contains(name)) {
        throw new IllegalArgumentException(
            "with: unknown value '" + name + "'; known: queued, completed, idle_segments");
      }
      out.add(name);
    }
    return out;
  }

  private static ObjectNode optimization(OptimizationProgress p) {
    boolean done = p.finishedAtMillis() != 0;
    ObjectNode out = NODES.objectNode();
    String id = p.kind() + "@" + p.startedAtMillis();
    out.put("uuid", UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString());
    out.put("optimizer", p.kind());
    out.put("status", done ? "done" : "optimizing");
    out.putArray("segments");
    ObjectNode tree = out.putObject("progress");
    tree.put("name", p.kind());
    tree.put("started_at", Instant.ofEpochMilli(p.startedAtMillis()).toString());
    if (done) {
      tree.put("finished_at", Instant.ofEpochMilli(p.finishedAtMillis()).toString());
      tree.put("duration_sec", (p.finishedAtMillis() - p.startedAtMillis()) / 1000.0);
    }
    tree.put("done", p.done());
    tree.put("total", p.points());
    tree.putArray("children").addObject().put("name", p.stage());
    return out;
  }
}

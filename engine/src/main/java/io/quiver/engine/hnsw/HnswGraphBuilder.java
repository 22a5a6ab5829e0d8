package io.quiver.engine.hnsw;

import io.quiver.engine.accel.Neighbors;
import io.quiver.engine.concurrent.Workers;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds an HNSW graph over a fixed set of vectors, from one or several threads.
 *
 * <p>Each node's top level is drawn up front from the config's seed ({@code floor(-ln(U) /
 * ln(m))}), so levels do not depend on thread timing and a single-threaded build is reproducible. A
 * node is inserted by a greedy descent to its level, then a beam search of width {@code
 * efConstruct} on each of its levels, whose results seed the level below.
 *
 * <p>Neighbour selection uses the diversity heuristic of the HNSW paper: a candidate is kept only
 * if it is closer to the new node than to every neighbour already kept. When a reverse link
 * overflows a neighbour's list, only the pairs the new link can have changed are re-checked: the
 * new node against the better neighbours, and the worse neighbours against the new node. The worst
 * non-diverse entry goes (the worst entry when all are diverse), so pruning costs one bulk scoring
 * of the list instead of a quadratic re-selection.
 *
 * <p>An accelerator that computes a k-nearest-neighbour graph changes how level 0, which holds
 * every node and most of the work, is formed ({@link #build(int, Neighbors)}). The nodes of the
 * upper levels (about one in {@code m}) and one node in {@value #INSERTED_AT_ZERO} more are
 * inserted on the CPU as usual, on all their levels; then every node's level-0 list is the
 * diversity selection over its k nearest neighbours (and, for an inserted node, the list insertion
 * gave it), and every selected link is mirrored with the same reverse-link pruning as insertion.
 * The inserted share is what keeps long links: a k-NN graph alone links each well-separated cluster
 * only to itself, and on a 64-cluster mixture its recall@10 stopped at 0.93 whatever the ef, where
 * insertion reached 1.0; with the share it matched insertion from ef=32 up. The result is the same
 * kind of graph in the same format, so search does not know how it was built.
 */
public final class HnswGraphBuilder {

  private static final int MAX_LEVEL = 24;

  /** Repair passes per level; each fixes what the one before stranded. */
  private static final int MAX_REPAIR_ROUNDS = 8;

  /**
   * In a build from a k-NN graph, one node in this many (besides those on the upper levels) is also
   * inserted at level 0, for the long links that insertion into a sparse graph makes.
   */
  private static final int INSERTED_AT_ZERO = 8;

  private final VectorValues vectors;
  private final VectorSimilarity similarity;
  private final HnswConfig config;
  private final OnHeapHnswGraph graph;

  HnswGraphBuilder(VectorValues vectors, VectorSimilarity similarity, HnswConfig config) {
    this.vectors = vectors;
    this.similarity = similarity;
    this.config = config;
    this.graph = new OnHeapHnswGraph(drawLevels(vectors.size(), config), config);
  }

  static int[] drawLevels(int size, HnswConfig config) {
    SplittableRandom random = new SplittableRandom(config.seed());
    double ml = 1.0 / Math.log(config.m());
    int[] levels = new int[size];
    for (int i = 0; i < size; i++) {
      double u = 1.0 - random.nextDouble(); // (0, 1]
      levels[i] = Math.min(MAX_LEVEL, (int) (-Math.log(u) * ml));
    }
    return levels;
  }

  /** Inserts every vector, using {@code threads} threads, and returns the finished graph. */
  OnHeapHnswGraph build(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1; got " + threads);
    }
    int size = vectors.size();
    if (size == 0) {
      return graph;
    }
    new Inserter().insert(0, 0);
    if (threads == 1 || size < 1024) {
      Inserter inserter = new Inserter();
      for (int node = 1; node < size; node++) {
        inserter.insert(node, 0);
      }
    } else {
      insertConcurrently(threads);
    }
    new Inserter().connectComponents();
    return graph;
  }

  /**
   * Builds the graph with level 0 formed from {@code knn}, each vector's nearest other vectors best
   * first (as an accelerator's {@code knnGraph} returns them; -1 pads a short row), and the upper
   * levels by insertion.
   */
  OnHeapHnswGraph build(int threads, Neighbors knn) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1; got " + threads);
    }
    int size = vectors.size();
    if (knn.rows() != size) {
      throw new IllegalArgumentException(
          "the k-NN graph has " + knn.rows() + " rows for " + size + " vectors");
    }
    if (size == 0) {
      return graph;
    }
    int[] upper = new int[size];
    int uppers = 0;
    for (int node = 0; node < size; node++) {
      if (graph.nodeLevel(node) > 0 || node % INSERTED_AT_ZERO == INSERTED_AT_ZERO / 2) {
        upper[uppers++] = node;
      }
    }
    // The entry point is the first node of the highest level, as insertion in id order makes it.
    int first = uppers > 0 ? upper[0] : 0;
    graph.offerEntry(first);
    forEach(
        uppers,
        threads,
        (inserter, i) -> {
          if (upper[i] != first) {
            inserter.insert(upper[i], 0);
          }
        });
    int m0 = config.maxConn(0);
    int[] selected = new int[Math.multiplyExact(size, m0)];
    float[] selectedScores = new float[selected.length];
    int[] counts = new int[size];
    forEach(
        size,
        threads,
        (inserter, node) ->
            counts[node] =
                inserter.selectFromNeighbors(node, knn, selected, selectedScores, node * m0));
    forEach(
        size,
        threads,
        (inserter, node) ->
            inserter.link(node, 0, selected, selectedScores, node * m0, counts[node]));
    new Inserter().connectComponents();
    return graph;
  }

  private interface NodeTask {
    void run(Inserter inserter, int index);
  }

  private void insertConcurrently(int threads) {
    forEach(
        vectors.size(),
        threads,
        (inserter, node) -> {
          if (node > 0) {
            inserter.insert(node, 0);
          }
        });
  }

  /** Runs {@code task} for every index in {@code [0, count)} on {@code threads} threads. */
  private void forEach(int count, int threads, NodeTask task) {
    AtomicInteger next = new AtomicInteger();
    Throwable e =
        Workers.run(
            "quiver-hnsw-build",
            Math.max(1, Math.min(threads, count / 64)),
            () -> {
              Inserter inserter = new Inserter();
              for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                task.run(inserter, i);
              }
            });
    if (e != null) {
      throw new IllegalStateException("HNSW build failed: " + e, e);
    }
  }

  /** One thread's insertion state: a searcher and scratch arrays, reused for every node. */
  private final class Inserter {
    private final int ef = config.efConstruct();
    private final HnswGraphSearcher searcher =
        new HnswGraphSearcher(vectors.size(), graph.maxDegree());
    private final int[] eps = new int[ef];
    private final float[] epScores = new float[ef];
    private final int[] candidates = new int[ef + graph.maxDegree()];
    private final float[] candidateScores = new float[ef + graph.maxDegree()];
    private final int[] selected = new int[graph.maxDegree()];
    private final float[] selectedScores = new float[graph.maxDegree()];
    private final int[] listNodes = new int[graph.maxDegree()];
    private final float[] listScores = new float[graph.maxDegree()];

    /** Inserts {@code node} on its levels down to {@code lowestLevel}. */
    void insert(int node, int lowestLevel) {
      int nodeLevel = graph.nodeLevel(node);
      int ep = graph.entryNode();
      int top = graph.maxLevel();
      if (ep < 0) {
        graph.offerEntry(node);
        return;
      }
      RandomVectorScorer scorer = vectors.scorer(similarity, node);
      searcher.descend(scorer, graph, ep, top, nodeLevel);
      eps[0] = searcher.results.topNode();
      epScores[0] = searcher.results.topScore();
      int epCount = 1;
      for (int level = Math.min(nodeLevel, top); level >= lowestLevel; level--) {
        searcher.searchLevel(scorer, graph, level, eps, epScores, epCount, ef);
        int n = drainBestFirst(searcher.results, node);
        System.arraycopy(candidates, 0, eps, 0, n);
        System.arraycopy(candidateScores, 0, epScores, 0, n);
        epCount = n;
        int kept = selectDiverse(n, config.maxConn(level));
        link(node, level, selected, selectedScores, 0, kept, scorer);
      }
      if (nodeLevel > top) {
        graph.offerEntry(node);
      }
    }

    /**
     * Makes every node on every level reachable from the entry point. Pruning can leave a node with
     * no incoming link, and a graph whose level 0 comes from a k-NN graph falls apart into one
     * piece per well-separated cluster. Each unreached node gets a link from the nearest node
     * already reached, found by a search that starts inside the reached part; that node gives up
     * its worst link when its list is full, never one an earlier repair added. Losing a link can
     * strand another node, so the pass repeats until nothing is left out (a few rounds at most in
     * practice). The rounds are bounded: a node that no reached node can take a link to is left for
     * searches to miss, rather than failing the build. Runs single-threaded after insertion.
     */
    void connectComponents() {
      for (int level = graph.maxLevel(); level >= 0; level--) {
        java.util.Set<Long> repairs = new java.util.HashSet<>();
        for (int round = 0; round < MAX_REPAIR_ROUNDS; round++) {
          java.util.BitSet reached = new java.util.BitSet(vectors.size());
          markReachable(level, graph.entryNode(), reached);
          if (reached.cardinality() == graph.membersOnLevel(level)) {
            break;
          }
          for (int slot = 0; slot < graph.membersOnLevel(level); slot++) {
            int node = graph.slotNode(level, slot);
            if (!reached.get(node) && linkFromReached(level, node, reached, repairs)) {
              markReachable(level, node, reached);
            }
          }
        }
      }
    }

    /**
     * Adds a link to {@code node} from the nearest reached node on {@code level} that can take one;
     * false when none of those the search found can.
     */
    private boolean linkFromReached(
        int level, int node, java.util.BitSet reached, java.util.Set<Long> repairs) {
      RandomVectorScorer scorer = vectors.scorer(similarity, node);
      // Descending the upper levels usually lands near the node; if that is outside the reached
      // part (the node's own cluster), start from the entry point, which always is inside.
      int start = graph.entryNode();
      if (level < graph.maxLevel()) {
        searcher.descend(scorer, graph, graph.entryNode(), graph.maxLevel(), level);
        if (reached.get(searcher.results.topNode())) {
          start = searcher.results.topNode();
        }
      }
      searcher.searchLevel(scorer, graph, level, start, scorer.score(start), ef, null);
      int n = drainBestFirst(searcher.results, node);
      int maxConn = config.maxConn(level);
      int from = -1;
      float fromScore = 0;
      for (int i = 0; i < n && from < 0; i++) {
        int c = candidates[i];
        if (reached.get(c) && graph.count(level, graph.slot(level, c)) < maxConn) {
          from = c;
          fromScore = candidateScores[i];
        }
      }
      for (int i = 0; i < n && from < 0; i++) {
        if (reached.get(candidates[i]) && dropWorstUnrepaired(level, candidates[i], repairs)) {
          from = candidates[i];
          fromScore = candidateScores[i];
        }
      }
      if (from < 0) {
        // Every reached node the search found holds only repair links: leave this node for the
        // next round rather than fail the build over a node search may still reach from others.
        return false;
      }
      int fromSlot = graph.slot(level, from);
      int count =
          insertSorted(
              graph.neighborArray(level),
              graph.scoreArray(level),
              graph.base(level, fromSlot),
              graph.count(level, fromSlot),
              node,
              fromScore);
      graph.setCount(level, fromSlot, count);
      repairs.add(((long) from << 32) | node);
      return true;
    }

    /** Removes the worst link of {@code owner} that no repair added; false if there is none. */
    private boolean dropWorstUnrepaired(int level, int owner, java.util.Set<Long> repairs) {
      int slot = graph.slot(level, owner);
      int base = graph.base(level, slot);
      int count = graph.count(level, slot);
      int[] nbrs = graph.neighborArray(level);
      float[] scores = graph.scoreArray(level);
      for (int k = count - 1; k >= 0; k--) {
        if (!repairs.contains(((long) owner << 32) | nbrs[base + k])) {
          System.arraycopy(nbrs, base + k + 1, nbrs, base + k, count - k - 1);
          System.arraycopy(scores, base + k + 1, scores, base + k, count - k - 1);
          graph.setCount(level, slot, count - 1);
          return true;
        }
      }
      return false;
    }

    private void markReachable(int level, int start, java.util.BitSet reached) {
      int[] stack = new int[64];
      int[] nbrs = new int[graph.maxDegree()];
      int top = 0;
      stack[top++] = start;
      reached.set(start);
      while (top > 0) {
        int node = stack[--top];
        int n = graph.neighbors(level, node, nbrs);
        for (int i = 0; i < n; i++) {
          int nbr = nbrs[i];
          if (!reached.get(nbr)) {
            reached.set(nbr);
            if (top == stack.length) {
              stack = java.util.Arrays.copyOf(stack, top * 2);
            }
            stack[top++] = nbr;
          }
        }
      }
    }

    /**
     * Moves the results into {@code candidates}, best first, leaving out {@code self}: while
     * threads insert concurrently, a node can already be linked, and so found, before its own
     * insertion finishes.
     */
    private int drainBestFirst(NeighborQueue results, int self) {
      int n = results.size();
      for (int i = n - 1; i >= 0; i--) {
        candidateScores[i] = results.topScore();
        candidates[i] = results.pop();
      }
      int kept = 0;
      for (int i = 0; i < n; i++) {
        if (candidates[i] != self) {
          candidates[kept] = candidates[i];
          candidateScores[kept] = candidateScores[i];
          kept++;
        }
      }
      return kept;
    }

    /** The diversity heuristic over {@code candidates[0..n)}, best first, into {@code selected}. */
    private int selectDiverse(int n, int maxConn) {
      int kept = 0;
      for (int i = 0; i < n && kept < maxConn; i++) {
        int c = candidates[i];
        float toNode = candidateScores[i];
        boolean diverse = true;
        for (int j = 0; j < kept; j++) {
          if (vectors.score(similarity, c, selected[j]) >= toNode) {
            diverse = false;
            break;
          }
        }
        if (diverse) {
          selected[kept] = c;
          selectedScores[kept] = toNode;
          kept++;
        }
      }
      return kept;
    }

    /**
     * Selects level-0 neighbours of {@code node} from its row of {@code knn} into {@code out[at ..
     * at + m0)} and returns how many.
     */
    int selectFromNeighbors(int node, Neighbors knn, int[] out, float[] outScores, int at) {
      // A node inserted at level 0 as well (see build) also weighs the list insertion gave it:
      // longer links than any k-NN row holds, which let a search at level 0 cross between
      // clusters that the k-NN graph alone keeps apart. Other nodes' lists are still empty.
      int inserted = graph.neighbors(0, node, listNodes);
      // The list keeps each neighbour's score to its owner beside it.
      System.arraycopy(graph.scoreArray(0), graph.base(0, node), listScores, 0, inserted);
      // Merge the two lists best first. A k-NN row holds each id once, so only a merge can
      // repeat one.
      boolean merging = inserted > 0;
      int n = 0;
      int u = 0;
      for (int rank = 0; rank < knn.k() && n < candidates.length; rank++) {
        int c = knn.id(node, rank);
        if (c < 0) {
          break;
        }
        float score = knn.score(node, rank);
        while (u < inserted && listScores[u] > score && n < candidates.length) {
          n = addCandidate(n, listNodes[u], listScores[u], node, merging);
          u++;
        }
        if (n < candidates.length) {
          n = addCandidate(n, c, score, node, merging);
        }
      }
      while (u < inserted && n < candidates.length) {
        n = addCandidate(n, listNodes[u], listScores[u], node, merging);
        u++;
      }
      int kept = selectDiverse(n, config.maxConn(0));
      System.arraycopy(selected, 0, out, at, kept);
      System.arraycopy(selectedScores, 0, outScores, at, kept);
      return kept;
    }

    /** Appends {@code c} unless it is {@code self} or ({@code dedupe}) already there. */
    private int addCandidate(int n, int c, float score, int self, boolean dedupe) {
      if (c == self || (dedupe && contains(candidates, 0, n, c))) {
        return n;
      }
      candidates[n] = c;
      candidateScores[n] = score;
      return n + 1;
    }

    void link(int node, int level, int[] chosen, float[] chosenScores, int at, int kept) {
      link(node, level, chosen, chosenScores, at, kept, vectors.scorer(similarity, node));
    }

    private void link(
        int node,
        int level,
        int[] chosen,
        float[] chosenScores,
        int at,
        int kept,
        RandomVectorScorer nodeScorer) {
      int maxConn = config.maxConn(level);
      int[] nbrs = graph.neighborArray(level);
      float[] scores = graph.scoreArray(level);
      synchronized (graph.lock(node)) {
        int slot = graph.slot(level, node);
        int base = graph.base(level, slot);
        int count = graph.count(level, slot);
        if (count == 0) {
          System.arraycopy(chosen, at, nbrs, base, kept);
          System.arraycopy(chosenScores, at, scores, base, kept);
          graph.setCount(level, slot, kept);
        } else {
          // Another thread linked to this node while it was being inserted: merge, keep the best.
          for (int i = 0; i < kept; i++) {
            if (contains(nbrs, base, count, chosen[at + i])) {
              continue;
            }
            count = insertSorted(nbrs, scores, base, count, chosen[at + i], chosenScores[at + i]);
            if (count > maxConn) {
              count--;
            }
          }
          graph.setCount(level, slot, count);
        }
      }
      for (int i = 0; i < kept; i++) {
        addReverseLink(chosen[at + i], level, node, chosenScores[at + i], nodeScorer, maxConn);
      }
    }

    private void addReverseLink(
        int owner, int level, int node, float score, RandomVectorScorer nodeScorer, int maxConn) {
      int[] nbrs = graph.neighborArray(level);
      float[] scores = graph.scoreArray(level);
      synchronized (graph.lock(owner)) {
        int slot = graph.slot(level, owner);
        int base = graph.base(level, slot);
        int count = graph.count(level, slot);
        if (contains(nbrs, base, count, node)) {
          return;
        }
        int p = insertPosition(scores, base, count, score);
        count = insertAt(nbrs, scores, base, count, p, node, score);
        if (count <= maxConn) {
          graph.setCount(level, slot, count);
          return;
        }
        System.arraycopy(nbrs, base, listNodes, 0, count);
        nodeScorer.bulkScore(listNodes, listScores, count);
        int remove = -1;
        // A worse neighbour x is dominated if the new node is at least as close to x as owner is.
        for (int k = count - 1; k > p; k--) {
          if (listScores[k] >= scores[base + k]) {
            remove = k;
            break;
          }
        }
        if (remove < 0) {
          // The new node is dominated if it is at least as close to a better neighbour.
          for (int j = 0; j < p; j++) {
            if (listScores[j] >= score) {
              remove = p;
              break;
            }
          }
        }
        if (remove < 0) {
          remove = count - 1;
        }
        System.arraycopy(nbrs, base + remove + 1, nbrs, base + remove, count - remove - 1);
        System.arraycopy(scores, base + remove + 1, scores, base + remove, count - remove - 1);
        graph.setCount(level, slot, count - 1);
      }
    }
  }

  private static boolean contains(int[] nbrs, int base, int count, int node) {
    for (int i = 0; i < count; i++) {
      if (nbrs[base + i] == node) {
        return true;
      }
    }
    return false;
  }

  private static int insertPosition(float[] scores, int base, int count, float score) {
    int p = count;
    while (p > 0 && scores[base + p - 1] < score) {
      p--;
    }
    return p;
  }

  private static int insertSorted(
      int[] nbrs, float[] scores, int base, int count, int node, float score) {
    return insertAt(
        nbrs, scores, base, count, insertPosition(scores, base, count, score), node, score);
  }

  private static int insertAt(
      int[] nbrs, float[] scores, int base, int count, int p, int node, float score) {
    System.arraycopy(nbrs, base + p, nbrs, base + p + 1, count - p);
    System.arraycopy(scores, base + p, scores, base + p + 1, count - p);
    nbrs[base + p] = node;
    scores[base + p] = score;
    return count + 1;
  }
}

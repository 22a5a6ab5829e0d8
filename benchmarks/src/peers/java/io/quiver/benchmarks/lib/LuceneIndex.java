package io.quiver.benchmarks.lib;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.MMapDirectory;

/**
 * A built Lucene index of one segment, searched through its {@link LeafReader}: {@code
 * searchNearestVectors} with a {@link TopKnnCollector} of size ef, keeping the best k. That is the
 * work a {@code KnnFloatVectorQuery} with k = ef does per segment, without the query's rewrite, its
 * per-segment merge and its doc-id set. Closing it deletes the index directory.
 */
class LuceneIndex implements AnnIndex {

  final String field;
  final LeafReader leaf;
  private final Path dir;
  private final MMapDirectory directory;
  private final DirectoryReader reader;
  private final int[] docToOrd;
  private final AcceptDocs acceptAll;
  private final long buildNanos;

  LuceneIndex(Path dir, MMapDirectory directory, String field, String ordField, long buildNanos)
      throws IOException {
    this.dir = dir;
    this.directory = directory;
    this.field = field;
    this.reader = DirectoryReader.open(directory);
    if (reader.leaves().size() != 1) {
      throw new IllegalStateException(
          "expected one segment after forceMerge(1); got " + reader.leaves().size());
    }
    this.leaf = reader.leaves().get(0).reader();
    this.docToOrd = docToOrd(leaf, ordField);
    this.acceptAll = AcceptDocs.fromLiveDocs(leaf.getLiveDocs(), leaf.maxDoc());
    this.buildNanos = buildNanos;
  }

  private static int[] docToOrd(LeafReader leaf, String ordField) throws IOException {
    int[] map = new int[leaf.maxDoc()];
    NumericDocValues ords = leaf.getNumericDocValues(ordField);
    for (int doc = ords.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = ords.nextDoc()) {
      map[doc] = (int) ords.longValue();
    }
    return map;
  }

  @Override
  public int[] search(float[] query, int k, int ef) throws IOException {
    ScoreDoc[] hits = nearest(query, ef);
    int[] ords = new int[Math.min(k, hits.length)];
    for (int i = 0; i < ords.length; i++) {
      ords[i] = ordOf(hits[i].doc);
    }
    return ords;
  }

  /** The best {@code size} documents of the graph search with a collector of that size. */
  final ScoreDoc[] nearest(float[] query, int size) throws IOException {
    TopKnnCollector collector = new TopKnnCollector(size, Integer.MAX_VALUE);
    leaf.searchNearestVectors(field, query, collector, acceptAll);
    return collector.topDocs().scoreDocs;
  }

  /** The harness ordinal of a document (documents are added from several threads, out of order). */
  final int ordOf(int doc) {
    return docToOrd[doc];
  }

  @Override
  public long buildNanos() {
    return buildNanos;
  }

  @Override
  public OptionalLong graphBytes() {
    return OptionalLong.of(filesEndingWith(".vex"));
  }

  @Override
  public String graphBytesSource() {
    return "size of the .vex file (memory-mapped)";
  }

  /**
   * Everything the vectors format keeps, all memory-mapped: the float vectors (.vec), the graph
   * (.vex), quantized vectors when there are any (.veq) and the metadata (.vemf, .vem, .vemq).
   */
  @Override
  public long offHeapBytes() {
    try {
      return filesEndingWith(".vec")
          + filesEndingWith(".vex")
          + filesEndingWith(".veq")
          + filesEndingWith(".vemf")
          + filesEndingWith(".vem")
          + filesEndingWith(".vemq");
    } catch (RuntimeException e) {
      return -1;
    }
  }

  final long filesEndingWith(String suffix) {
    long total = 0;
    try {
      for (String file : directory.listAll()) {
        if (file.endsWith(suffix)) {
          total += directory.fileLength(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
      directory.close();
    } finally {
      LuceneLibrary.deleteRecursively(dir);
    }
  }
}

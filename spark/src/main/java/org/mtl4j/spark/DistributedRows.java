package org.mtl4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * The training rows as a cached RDD whose every partition can be rebuilt after its executor is
 * lost: partition i is computed from broadcast i, which holds exactly that partition's rows (sliced
 * as {@code parallelize} slices: positions {@code [i n / P, (i + 1) n / P)}).
 *
 * <p>Why not {@code parallelize(rows)}: its partitions carry their rows, so every task of every
 * step would serialise its partition's rows. Cutting that lineage with {@code localCheckpoint()}
 * keeps the rows only in the executors' block managers, so when an executor dies (its worker's
 * machine lost) the retried task finds no block ("Checkpoint block not found") and the job, so the
 * run, fails. Here a task carries P small broadcast handles; Spark's retry of a lost partition
 * fetches its broadcast again (the driver keeps every broadcast until the run ends) and rebuilds
 * the block and, in {@link ShardCache}, the shard. Executors drop their broadcast copies once the
 * blocks are cached ({@link #materialise}), so each row is held once per executor that trains on
 * it, and the driver holds the rows it loaded plus their serialised broadcast pieces.
 */
final class DistributedRows implements AutoCloseable {
  private final List<Broadcast<ExampleRow[]>> slices;
  private final JavaRDD<ExampleRow> rdd;

  private DistributedRows(List<Broadcast<ExampleRow[]>> slices, JavaRDD<ExampleRow> rdd) {
    this.slices = slices;
    this.rdd = rdd;
  }

  /** Distributes {@code rows} over {@code partitions} partitions and caches them on executors. */
  static DistributedRows distribute(JavaSparkContext sc, List<ExampleRow> rows, int partitions) {
    int n = rows.size();
    List<Broadcast<ExampleRow[]>> slices = new ArrayList<>(partitions);
    for (int i = 0; i < partitions; i++) {
      int from = (int) ((long) i * n / partitions);
      int to = (int) ((long) (i + 1) * n / partitions);
      slices.add(sc.broadcast(rows.subList(from, to).toArray(ExampleRow[]::new)));
    }
    JavaRDD<ExampleRow> rdd =
        sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
            .mapPartitionsWithIndex(fromSlices(List.copyOf(slices)), true)
            .persist(StorageLevel.MEMORY_AND_DISK());
    DistributedRows d = new DistributedRows(slices, rdd);
    d.materialise();
    return d;
  }

  /** The cached rows. */
  JavaRDD<ExampleRow> rdd() {
    return rdd;
  }

  /** Caches every partition, then drops the executors' copies of the broadcasts. */
  private void materialise() {
    rdd.count();
    for (Broadcast<ExampleRow[]> b : slices) {
      b.unpersist(false);
    }
  }

  private static Function2<Integer, Iterator<Integer>, Iterator<ExampleRow>> fromSlices(
      List<Broadcast<ExampleRow[]>> slices) {
    return (partition, ignored) -> List.of(slices.get(partition).value()).iterator();
  }

  @Override
  public void close() {
    rdd.unpersist(false);
    for (Broadcast<ExampleRow[]> b : slices) {
      b.destroy();
    }
  }
}

package org.mtl4j.trainer.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits tasks into at most {@code k} groups, each to be trained as one network, maximising total
 * inter-task affinity within groups, as in Fifty et al., "Efficiently Identifying Task Groupings in
 * Multi-Task Learning", NeurIPS 2021.
 *
 * <p>The score of a grouping is {@code Σ_groups Σ_{j in G} (1/(|G|-1)) Σ_{i in G, i != j} Z(i→j)}:
 * each task receives the mean affinity from its group mates (a task alone scores 0, so a group is
 * only formed when its members help each other on average). Up to {@value #EXHAUSTIVE_LIMIT} tasks
 * every partition into at most k groups is scored (restricted-growth strings); above that a greedy
 * merge of the best-scoring pair of groups runs until k groups remain or no merge improves the
 * score.
 */
public final class TaskGrouping {
  /** Largest task count searched exhaustively (Bell(8) = 4140 partitions). */
  public static final int EXHAUSTIVE_LIMIT = 8;

  /** A grouping and its score. */
  public record Result(List<List<Integer>> groups, double score, boolean exhaustive) {}

  private TaskGrouping() {}

  /**
   * @param affinity {@code affinity[i][j] = Z(i→j)}, square
   * @param k maximum number of groups, at least 1
   */
  public static Result best(double[][] affinity, int k) {
    int n = affinity.length;
    for (double[] row : affinity) {
      if (row.length != n) {
        throw new IllegalArgumentException(
            "affinity matrix must be square, got a row of "
                + row.length
                + " in a "
                + n
                + "-task matrix");
      }
    }
    if (k < 1) {
      throw new IllegalArgumentException("number of groups must be >= 1, got " + k);
    }
    if (n == 0) {
      return new Result(List.of(), 0, true);
    }
    return n <= EXHAUSTIVE_LIMIT ? exhaustive(affinity, k) : greedy(affinity, k);
  }

  /** The score of a grouping given as a group label per task. */
  public static double score(double[][] z, int[] label) {
    int groups = Arrays.stream(label).max().orElse(-1) + 1;
    double total = 0;
    for (int g = 0; g < groups; g++) {
      total += groupScore(z, members(label, g));
    }
    return total;
  }

  static double groupScore(double[][] z, List<Integer> members) {
    if (members.size() < 2) {
      return 0;
    }
    double s = 0;
    for (int j : members) {
      double in = 0;
      for (int i : members) {
        if (i != j) {
          in += z[i][j];
        }
      }
      s += in / (members.size() - 1);
    }
    return s;
  }

  private static List<Integer> members(int[] label, int g) {
    List<Integer> m = new ArrayList<>();
    for (int t = 0; t < label.length; t++) {
      if (label[t] == g) {
        m.add(t);
      }
    }
    return m;
  }

  private static Result exhaustive(double[][] z, int k) {
    int n = z.length;
    int[] label = new int[n];
    int[] best = new int[n];
    double[] bestScore = {Double.NEGATIVE_INFINITY};
    search(z, k, label, 1, 0, best, bestScore);
    return new Result(toGroups(best), bestScore[0], true);
  }

  /** Enumerates restricted-growth strings: label[0] = 0, label[i] <= max(label[0..i-1]) + 1. */
  private static void search(
      double[][] z, int k, int[] label, int pos, int maxLabel, int[] best, double[] bestScore) {
    if (pos == label.length) {
      double s = score(z, label);
      if (s > bestScore[0] + 1e-12) {
        bestScore[0] = s;
        System.arraycopy(label, 0, best, 0, label.length);
      }
      return;
    }
    for (int g = 0; g <= Math.min(maxLabel + 1, k - 1); g++) {
      label[pos] = g;
      search(z, k, label, pos + 1, Math.max(maxLabel, g), best, bestScore);
    }
  }

  private static Result greedy(double[][] z, int k) {
    List<List<Integer>> groups = new ArrayList<>();
    for (int t = 0; t < z.length; t++) {
      groups.add(new ArrayList<>(List.of(t)));
    }
    while (groups.size() > 1) {
      double bestGain = Double.NEGATIVE_INFINITY;
      int bi = -1;
      int bj = -1;
      for (int i = 0; i < groups.size(); i++) {
        for (int j = i + 1; j < groups.size(); j++) {
          List<Integer> merged = new ArrayList<>(groups.get(i));
          merged.addAll(groups.get(j));
          double gain =
              groupScore(z, merged) - groupScore(z, groups.get(i)) - groupScore(z, groups.get(j));
          if (gain > bestGain) {
            bestGain = gain;
            bi = i;
            bj = j;
          }
        }
      }
      if (groups.size() <= k && bestGain <= 1e-12) {
        break;
      }
      groups.get(bi).addAll(groups.remove(bj));
      groups.get(bi).sort(null);
    }
    double total = 0;
    for (List<Integer> g : groups) {
      total += groupScore(z, g);
    }
    return new Result(List.copyOf(groups.stream().map(List::copyOf).toList()), total, false);
  }

  private static List<List<Integer>> toGroups(int[] label) {
    int groups = Arrays.stream(label).max().orElse(-1) + 1;
    List<List<Integer>> out = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      out.add(List.copyOf(members(label, g)));
    }
    return List.copyOf(out);
  }
}

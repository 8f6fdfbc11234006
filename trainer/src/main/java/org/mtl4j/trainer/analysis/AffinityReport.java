package org.mtl4j.trainer.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The task-relationship report of a run: mean lookahead affinity, gradient cosine and conflict
 * fraction per pair, gradient-norm imbalance, and a suggested grouping of the tasks into networks,
 * with the plain-language reading of each.
 *
 * @param tasks task names
 * @param affinity mean {@code Z(i→j)}
 * @param cosine mean gradient cosine per pair
 * @param conflict fraction of sampled steps with conflicting gradients per pair
 * @param normRatio mean per-task gradient norm over the mean across tasks
 * @param grouping the suggested grouping (indices into tasks)
 * @param samples sampled steps behind the figures
 */
public record AffinityReport(
    List<String> tasks,
    double[][] affinity,
    double[][] cosine,
    double[][] conflict,
    double[] normRatio,
    TaskGrouping.Result grouping,
    long samples) {

  /** A pair of tasks and how they relate. */
  public record Pair(
      String a, String b, double affinityAB, double affinityBA, double cosine, double conflict) {}

  /** Builds the report from statistics, suggesting at most {@code maxGroups} networks. */
  public static AffinityReport of(AffinityStatistics s, int maxGroups) {
    double[][] z = s.meanAffinity();
    return new AffinityReport(
        s.tasks(),
        z,
        s.meanCosine(),
        s.conflictFraction(),
        s.meanNormRatio(),
        TaskGrouping.best(z, maxGroups),
        s.samples());
  }

  /** Pairs whose affinity is positive both ways and whose gradients agree on average. */
  public List<Pair> helpingPairs() {
    List<Pair> out = new ArrayList<>();
    for (Pair p : pairs()) {
      if (p.affinityAB() > 0 && p.affinityBA() > 0 && p.cosine() > 0) {
        out.add(p);
      }
    }
    return out;
  }

  /** Pairs whose gradients conflict on more than half the sampled steps or on average. */
  public List<Pair> conflictingPairs() {
    List<Pair> out = new ArrayList<>();
    for (Pair p : pairs()) {
      if (p.conflict() > 0.5 || p.cosine() < 0) {
        out.add(p);
      }
    }
    return out;
  }

  /** Every unordered pair. */
  public List<Pair> pairs() {
    List<Pair> out = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      for (int j = i + 1; j < tasks.size(); j++) {
        out.add(
            new Pair(
                tasks.get(i),
                tasks.get(j),
                affinity[i][j],
                affinity[j][i],
                cosine[i][j],
                conflict[i][j]));
      }
    }
    return out;
  }

  /** The suggested groups as task names. */
  public List<List<String>> groupNames() {
    List<List<String>> out = new ArrayList<>();
    for (List<Integer> g : grouping.groups()) {
      out.add(g.stream().map(tasks::get).toList());
    }
    return out;
  }

  /** The plain-language summary, one finding a line. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "task affinity from %d sampled steps", samples));
    for (Pair p : helpingPairs()) {
      out.add(
          String.format(
              Locale.ROOT,
              "helps: %s and %s (affinity %s→%s %+.3g, %s→%s %+.3g; gradient cosine %.2f)",
              p.a(),
              p.b(),
              p.a(),
              p.b(),
              p.affinityAB(),
              p.b(),
              p.a(),
              p.affinityBA(),
              p.cosine()));
    }
    for (Pair p : conflictingPairs()) {
      out.add(
          String.format(
              Locale.ROOT,
              "conflicts: %s and %s (gradients conflict on %.0f%% of sampled steps, mean cosine"
                  + " %.2f)",
              p.a(),
              p.b(),
              100 * p.conflict(),
              p.cosine()));
    }
    if (helpingPairs().isEmpty() && conflictingPairs().isEmpty()) {
      out.add("no pair clearly helps or conflicts");
    }
    for (int i = 0; i < tasks.size(); i++) {
      if (normRatio[i] > 2 || normRatio[i] < 0.5) {
        out.add(
            String.format(
                Locale.ROOT,
                "imbalance: %s's shared gradient is %.2fx the mean across tasks",
                tasks.get(i),
                normRatio[i]));
      }
    }
    out.add(
        "suggested grouping: "
            + groupNames()
            + String.format(
                Locale.ROOT,
                " (total affinity %.3g, %s search)",
                grouping.score(),
                grouping.exhaustive() ? "exhaustive" : "greedy"));
    return out;
  }

  /** A JSON-ready view for summary files. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tasks", tasks);
    m.put("samples", samples);
    m.put("affinity", affinity);
    m.put("gradient_cosine", cosine);
    m.put("conflict_fraction", conflict);
    m.put("gradient_norm_ratio", normRatio);
    m.put("suggested_groups", groupNames());
    m.put("grouping_score", grouping.score());
    m.put("helping_pairs", helpingPairs().stream().map(p -> List.of(p.a(), p.b())).toList());
    m.put(
        "conflicting_pairs", conflictingPairs().stream().map(p -> List.of(p.a(), p.b())).toList());
    m.put("summary", lines());
    return m;
  }
}

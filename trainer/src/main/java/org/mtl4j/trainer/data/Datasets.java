package org.mtl4j.trainer.data;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.options.Options;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.DataConfig;
import org.mtl4j.trainer.config.TaskConfig;

/** Loads the configured data source and splits off the validation rows. */
public final class Datasets {
  private final Map<String, DataSource> sources;

  public Datasets(Map<String, DataSource> sources) {
    this.sources = Map.copyOf(sources);
  }

  public Map<String, DataSource> sources() {
    return sources;
  }

  /**
   * Loads the configured data after checking its options, including that the files and folders they
   * name exist ({@link DataSource#pathOptions()}), and standardises the regression targets ({@link
   * TargetScaling}). Tasks that name their own data ({@code tasks[i].data}) read it, the others
   * read {@code data}; several data sets are stacked with each task's labels masked outside its own
   * ({@link TaskDataSets}).
   *
   * @throws ConfigException when a source is unknown, a path option names nothing usable or the
   *     data sets' inputs disagree
   * @throws DataException when the data itself cannot be used
   */
  public Dataset load(DataConfig data, List<TaskConfig> tasks, long seed) {
    List<TaskDataSets.Group> groups = TaskDataSets.groups(data, tasks);
    Dataset loaded;
    if (groups.size() == 1 && !groups.get(0).data().partial()) {
      loaded = loadRaw(groups.get(0).data(), groups.get(0).path(), tasks, seed);
    } else {
      loaded = TaskDataSets.load(this, groups, tasks, seed);
    }
    Object labels = loaded.preprocessing().get("labels");
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i).positive() != null
          && !(labels instanceof Map<?, ?> m && m.containsKey(tasks.get(i).name()))) {
        throw new ConfigException(
            List.of(
                "tasks["
                    + i
                    + "].positive: the "
                    + tasks.get(i).dataOr(data).source()
                    + " source defines its own classes; expected no positive (it applies to label"
                    + " columns of the csv source)"));
      }
    }
    return TargetScaling.standardize(loaded, tasks);
  }

  /** The source a group reads. */
  DataSource source(TaskDataSets.Group g) {
    return source(g.data(), g.path());
  }

  private DataSource source(DataConfig data, String path) {
    DataSource s = sources.get(data.source());
    if (s == null) {
      throw new ConfigException(
          List.of(
              path
                  + ".source: '"
                  + data.source()
                  + "' is not one of "
                  + String.join(", ", sources.keySet())));
    }
    return s;
  }

  /** The options of {@code data} (configured at {@code path}), checked, paths included. */
  Options options(DataConfig data, String path) {
    DataSource s = source(data, path);
    Options options = Options.parse(data.options(), s.options(), path + ".options");
    List<String> problems = PathOption.problems(s.pathOptions(), options, path + ".options");
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return options;
  }

  /** One data section loaded by its source, targets in original units. */
  Dataset loadRaw(DataConfig data, String path, List<TaskConfig> tasks, long seed) {
    Options options = options(data, path);
    return source(data, path).load(options, tasks, seed);
  }

  /** Training and validation rows: a seeded random {@code fraction} of {@code train} validates. */
  public record TrainValidation(Split train, Split validation) {}

  public static TrainValidation splitValidation(Split train, double fraction, long seed) {
    int n = train.size();
    int nVal = (int) Math.round(n * fraction);
    if (fraction > 0 && (nVal == 0 || nVal == n)) {
      throw new DataException(
          "training.validation_split "
              + fraction
              + " of "
              + n
              + " examples leaves no training or no validation examples");
    }
    int[] perm = Permutations.of(n, CounterRng.derive(seed, 301));
    int[] rows = train.rows();
    int[] val = new int[nVal];
    int[] tr = new int[n - nVal];
    for (int i = 0; i < n; i++) {
      if (i < nVal) {
        val[i] = rows[perm[i]];
      } else {
        tr[i - nVal] = rows[perm[i]];
      }
    }
    Arrays.sort(val);
    Arrays.sort(tr);
    return new TrainValidation(new Split(train.examples(), tr), new Split(train.examples(), val));
  }
}

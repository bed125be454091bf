#include "plot.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

extern char** environ;

namespace mlp_fashion_mnist {
namespace {

// Quotes `text` as a gnuplot single-quoted string, in which '' is a quote.
std::string gnuplot_quote(const std::string& text) {
  std::string quoted = "'";
  for (char character : text) {
    quoted += character;
    if (character == '\'') {
      quoted += '\'';
    }
  }
  return quoted + "'";
}

std::string make_script(const std::vector<EpochMetrics>& history,
                        const std::filesystem::path& path) {
  std::string script;
  script += "set terminal pngcairo size 1100,450 font 'sans,10'\n";
  script += "set output " + gnuplot_quote(path.string()) + "\n";
  // Columns: epoch, train loss, train accuracy, test loss, test accuracy.
  script += "$metrics << EOD\n";
  for (const EpochMetrics& metrics : history) {
    char row[160];
    std::snprintf(row, sizeof(row), "%zu %.6f %.6f %.6f %.6f\n", metrics.epoch,
                  metrics.train_loss, metrics.train_accuracy, metrics.test_loss,
                  metrics.test_accuracy);
    script += row;
  }
  script += "EOD\n";
  script += "set multiplot layout 1,2 title 'mlp\\_fashion\\_mnist on Fashion-MNIST'\n";
  // Half an epoch of margin on each side also gives a one-epoch run a
  // non-empty x range.
  script += "set grid\nset xlabel 'epoch'\nset xrange [" +
            std::to_string(history.front().epoch) + " - 0.5:" +
            std::to_string(history.back().epoch) + " + 0.5]\n";
  if (history.size() <= 20) {
    script += "set xtics 1\n";
  }
  script += "set ylabel 'cross-entropy loss'\nset key top right\n";
  script += "plot $metrics using 1:2 with linespoints title 'train', "
            "'' using 1:4 with linespoints title 'test'\n";
  script += "set ylabel 'accuracy'\nset key bottom right\n";
  script += "plot $metrics using 1:3 with linespoints title 'train', "
            "'' using 1:5 with linespoints title 'test'\n";
  script += "unset multiplot\n";
  return script;
}

}  // namespace

bool plot_curves(const std::vector<EpochMetrics>& history, const std::filesystem::path& path) {
  if (history.empty()) {
    std::cerr << "mlp_fashion_mnist: no epochs to plot, so no plot was drawn\n";
    return false;
  }
  std::string script_path = (std::filesystem::temp_directory_path() / "tapegrad-plot-XXXXXX.gp");
  const int descriptor = ::mkstemps(script_path.data(), 3);
  if (descriptor < 0) {
    std::cerr << "mlp_fashion_mnist: cannot create a gnuplot script in "
              << std::filesystem::temp_directory_path() << " (" << std::strerror(errno)
              << "); skipped --plot\n";
    return false;
  }
  ::close(descriptor);
  {
    std::ofstream script(script_path);
    script << make_script(history, path);
  }

  char program[] = "gnuplot";
  char* arguments[] = {program, script_path.data(), nullptr};
  pid_t child = 0;
  const int spawn_error = ::posix_spawnp(&child, program, nullptr, nullptr, arguments, environ);
  int status = 0;
  if (spawn_error == 0) {
    ::waitpid(child, &status, 0);
  }
  std::filesystem::remove(script_path);

  if (spawn_error == ENOENT) {
    std::cerr << "mlp_fashion_mnist: gnuplot not found, so no plot was drawn (install "
                 "gnuplot-nox)\n";
    return false;
  }
  if (spawn_error != 0) {
    std::cerr << "mlp_fashion_mnist: cannot start gnuplot (" << std::strerror(spawn_error)
              << "), so no plot was drawn\n";
    return false;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "mlp_fashion_mnist: gnuplot failed (status " << status
              << "), so " << path.string() << " may be incomplete\n";
    return false;
  }
  return true;
}

}  // namespace mlp_fashion_mnist

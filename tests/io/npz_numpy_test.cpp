// .npz files shared with NumPy: numpy.load reads what save_npz writes, and
// load_npz reads what numpy.savez and numpy.savez_compressed write. Each test
// passes with a warning when /usr/bin/python3 has no numpy.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

#include <tapegrad/core/npz.hpp>

#include "../support/temp_folder.hpp"
#include "python.hpp"

using namespace tapegrad;
using tapegrad::testing::numpy_available;
using tapegrad::testing::run_python;
using tapegrad::testing::TempFolder;

TEST_CASE("numpy reads saved npz", "[io][npz][numpy]") {
  if (!numpy_available()) {
    WARN("skipped: /usr/bin/python3 cannot import numpy (install python3-numpy)");
    return;
  }
  TempFolder folder;
  const auto path = folder / "saved.npz";
  save_npz<float>(path, {{"layer.weight", Array<float>{{0.5f, -1.25f, 3}, {4, 5, -6}}},
                         {"scalar", Array<float>(2.5f)}});
  save_npz<double>(folder / "double.npz", {{"bias", Array<double>{0.1, -7}}});

  const std::string output = run_python(folder,
                                        "import sys, numpy\n"
                                        "d = numpy.load(sys.argv[1])\n"
                                        "print(sorted(d.files))\n"
                                        "w = d['layer.weight']\n"
                                        "print(w.dtype, w.shape, w.flags['C_CONTIGUOUS'], w.tolist())\n"
                                        "s = d['scalar']\n"
                                        "print(s.dtype, s.shape, float(s))\n"
                                        "v = d['tapegrad.format_version']\n"
                                        "print(v.dtype, v.shape, int(v))\n"
                                        "b = numpy.load(sys.argv[2])['bias']\n"
                                        "print(b.dtype, b.tolist())\n",
                                        {path.string(), (folder / "double.npz").string()});
  // Written by hand from the arrays above; 0.1 prints as Python's repr of the
  // double nearest 0.1.
  CHECK(output ==
        "['layer.weight', 'scalar', 'tapegrad.format_version']\n"
        "float32 (2, 3) True [[0.5, -1.25, 3.0], [4.0, 5.0, -6.0]]\n"
        "float32 () 2.5\n"
        "int64 () 1\n"
        "float64 [0.1, -7.0]\n");
}

TEST_CASE("load npz written by numpy", "[io][npz][numpy]") {
  if (!numpy_available()) {
    WARN("skipped: /usr/bin/python3 cannot import numpy (install python3-numpy)");
    return;
  }
  TempFolder folder;
  const auto plain = folder / "plain.npz";
  const auto compressed = folder / "compressed.npz";
  const auto fortran = folder / "fortran.npz";
  run_python(folder,
             "import sys, numpy\n"
             "w = (numpy.arange(6, dtype=numpy.float32) / 4).reshape(2, 3)\n"
             "b = numpy.array([-1.5, 1e300], dtype=numpy.float64)\n"
             "numpy.savez(sys.argv[1], w=w, empty=numpy.zeros((0, 4), numpy.float32))\n"
             "numpy.savez_compressed(sys.argv[2], b=b, big=numpy.ones(300000))\n"
             "numpy.savez(sys.argv[3], w=numpy.asfortranarray(w))\n",
             {plain.string(), compressed.string(), fortran.string()});

  const auto from_savez = load_npz<float>(plain, {{"w", {2, 3}}, {"empty", {0, 4}}});
  // arange(6) / 4 by hand: 0, 0.25, 0.5, 0.75, 1, 1.25.
  CHECK(from_savez[0].second == Array<float>{{0, 0.25f, 0.5f}, {0.75f, 1, 1.25f}});
  CHECK(from_savez[1].second.size() == 0);

  const auto from_compressed = load_npz<double>(compressed, {{"b", {2}}, {"big", {300000}}});
  CHECK(from_compressed[0].second == Array<double>{-1.5, 1e300});
  CHECK(xt::all(xt::equal(from_compressed[1].second, 1.0)));

  CHECK_THROWS_WITH(load_npz<float>(fortran), Catch::Contains("Fortran order"));
}

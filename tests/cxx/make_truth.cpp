// Ground truth of pykerasnip.native.cxxalgo and pykerasnip.native.boost_random: what libstdc++ (GCC 12)
// and Boost.Random 1.74 give. Build and run from the repository root:
//   g++ -O2 -std=c++14 tests/cxx/make_truth.cpp -o /tmp/make_truth && /tmp/make_truth tests/data/cxx
// sort.txt: values | the positions std::sort (descending by value) leaves them in, ties
//   and NaN included
// partial_sort_copy.txt: values | the n / 2 + 1 smallest as std::partial_sort_copy copies them
// rand48.bin: per seed (11, 1796542415), 1500 normals, 300 exponentials and 100 draws % 7
//   from rand48, as little-endian doubles
#include <algorithm>
#include <boost/random.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

struct Item { double v; int id; };

static double value(int nan_every) { return rand() % nan_every == 0 ? NAN : rand() % 5; }

static void print_values(FILE* f, const std::vector<double>& v) {
  for (double x : v) std::isnan(x) ? fprintf(f, "nan ") : fprintf(f, "%g ", x);
  fprintf(f, "|");
}

int main(int argc, char** argv) {
  std::string out = argc > 1 ? argv[1] : ".";
  srand(11);
  FILE* f = fopen((out + "/sort.txt").c_str(), "w");
  for (int t = 0; t < 120; t++) {
    int n = 1 + rand() % 40;
    std::vector<Item> items(n);
    std::vector<double> values(n);
    for (int i = 0; i < n; i++) items[i] = {values[i] = value(10), i};
    print_values(f, values);
    std::sort(items.begin(), items.end(), [](Item a, Item b) { return a.v > b.v; });
    for (const Item& it : items) fprintf(f, " %d", it.id);
    fprintf(f, "\n");
  }
  fclose(f);
  f = fopen((out + "/partial_sort_copy.txt").c_str(), "w");
  for (int t = 0; t < 150; t++) {
    int n = 3 + rand() % 9, k = n / 2 + 1;
    std::vector<double> x(n), head(k);
    for (int i = 0; i < n; i++) x[i] = value(4) / 2;
    std::partial_sort_copy(x.begin(), x.end(), head.begin(), head.end());
    print_values(f, x);
    for (double h : head) std::isnan(h) ? fprintf(f, " nan") : fprintf(f, " %g", h);
    fprintf(f, "\n");
  }
  fclose(f);
  f = fopen((out + "/rand48.bin").c_str(), "wb");
  for (unsigned seed : {11u, 1796542415u}) {
    boost::random::rand48 engine;
    engine.seed(seed);
    boost::random::normal_distribution<double> normal;
    boost::random::exponential_distribution<double> exponential;
    std::vector<double> draws;
    for (int i = 0; i < 1500; i++) draws.push_back(normal(engine));
    for (int i = 0; i < 300; i++) draws.push_back(exponential(engine));
    for (int i = 0; i < 100; i++) draws.push_back(engine() % 7);
    fwrite(draws.data(), sizeof(double), draws.size(), f);
  }
  fclose(f);
}

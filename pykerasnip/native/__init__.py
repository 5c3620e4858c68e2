"""Bit-exact replays of the compiled code R packages call: the C++ standard library's
sorting (``cxxalgo``), Boost's random engine and samplers (``boost_random``) and ddalpha's
depth functions (``ddalpha``). They give R's numbers where NumPy's own routines would
round or order differently."""

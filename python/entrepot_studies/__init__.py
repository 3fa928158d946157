"""Parameter studies of Entrepot: plan files, sweeps of runs (local or as a Slurm job array)
and their summary as one netCDF file (docs/studies.md)."""

__version__ = "0.1.0"

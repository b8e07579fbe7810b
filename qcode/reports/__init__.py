"""Reports: counts computed in SQL, shaped as pandas DataFrames."""

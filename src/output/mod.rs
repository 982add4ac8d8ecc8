//! Writers: observations.csv, series.csv, reports.csv, checks.csv,
//! dataset.json, datapackage.json and the generated codebook.

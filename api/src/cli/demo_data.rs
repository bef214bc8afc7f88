//! `egov-rank demo-data`.

use std::ops::RangeInclusive;

use clap::Args;
use sea_orm::DatabaseConnection;
use service::bootstrap::demo::{self, DemoOptions};

/// The flags of `demo-data`.
#[derive(Args)]
pub struct DemoDataArgs {
    /// How many synthetic provinces.
    #[arg(long, default_value_t = 1)]
    provinces: u32,
    /// Years to generate, e.g. `2016-2025`.
    #[arg(long, value_parser = parse_years, default_value = "2016-2025")]
    years: RangeInclusive<i32>,
    /// Random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 2020)]
    seed: u64,
}

/// Writes the synthetic jurisdictions and says what it wrote.
pub async fn run(db: &DatabaseConnection, args: DemoDataArgs) -> Result<(), String> {
    let options = DemoOptions {
        provinces: args.provinces,
        years: args.years,
        seed: args.seed,
    };
    let report = demo::generate(db, &options)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "wrote {} synthetic jurisdiction(s) ({}), {} agencies, {} results",
        report.jurisdictions.len(),
        report.jurisdictions.join(", "),
        report.agencies,
        report.results
    );
    Ok(())
}

/// Parses `A-B` (or a single year) into an inclusive range of years.
fn parse_years(text: &str) -> Result<RangeInclusive<i32>, String> {
    let parse = |part: &str| {
        part.trim()
            .parse::<i32>()
            .map_err(|_| format!("`{part}` is not a year"))
    };
    let (from, to) = match text.split_once('-') {
        Some((from, to)) => (parse(from)?, parse(to)?),
        None => (parse(text)?, parse(text)?),
    };
    if from > to {
        return Err(format!("{from} comes after {to}"));
    }
    Ok(from..=to)
}

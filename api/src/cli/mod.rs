//! The command line of `egov-rank`: the global options, the commands, and [`run`], which opens
//! the database and hands it to the command's own module (one file per command).

mod alias;
mod demo_data;
mod export;
mod import;
mod index;
mod jurisdiction;
mod lineage;
mod migrate;
mod progress;
mod restate;
mod scheme;
mod serve;
mod token;

use std::time::Duration;

use clap::{Parser, Subcommand};
use service::db;
use tracing_subscriber::EnvFilter;

/// The global options, shared by every command, and the command.
#[derive(Parser)]
#[command(
    name = "egov-rank",
    version,
    about = "E-government ranking results: yearly scores, levels and ranks of public agencies"
)]
pub struct Cli {
    /// Database to use: a `sqlite://FILE` or `postgres://...` URL. The default SQLite file is
    /// created, migrated and loaded with the published 2020 tables on first start.
    #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DATABASE_URL, global = true)]
    database_url: String,

    /// Log lines as `text` or `json` (one object per line, with the request id).
    #[arg(long, env = "EGOV_LOG_FORMAT", default_value = "text", global = true)]
    log_format: LogFormat,

    /// Most database connections open at once, on SQLite too (an import holds one for its
    /// whole transaction while reads use the others).
    #[arg(long, env = "EGOV_POOL_SIZE", default_value_t = db::DEFAULT_POOL_SIZE, global = true,
          value_parser = clap::value_parser!(u32).range(1..))]
    pool_size: u32,

    /// PostgreSQL: cancel any statement running longer than this many milliseconds.
    #[arg(long, env = "EGOV_STATEMENT_TIMEOUT_MS", global = true)]
    statement_timeout_ms: Option<u64>,

    /// How long a write waits for another process's write (an import), in milliseconds, before
    /// failing with DATABASE_BUSY: SQLite's busy timeout, PostgreSQL's lock_timeout.
    #[arg(
        long,
        env = "EGOV_BUSY_TIMEOUT_MS",
        default_value_t = 5_000,
        global = true,
        alias = "sqlite-busy-timeout-ms"
    )]
    busy_timeout_ms: u64,

    #[command(subcommand)]
    command: Option<Command>,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// The commands; each runs in its own module.
#[derive(Subcommand)]
enum Command {
    /// Serve GraphQL at /graphql (GraphiQL in a browser) and /healthz. The default command.
    Serve(serve::ServeArgs),
    /// Import a CSV in one transaction: the normalized format, or a table as published
    /// (Vietnamese headers, decimal commas, `%`, level labels; give --year and --tier). Every row
    /// is checked; on any error every bad row is reported with its line and column and nothing
    /// is written.
    Import(import::ImportArgs),
    /// Export a ranking laid out like the published appendix (Vietnamese headers, decimal
    /// commas, ranks with ties, printed levels), to standard output or --output.
    Export(export::ExportArgs),
    /// Bring the database schema up to date, and nothing else.
    Migrate,
    /// Write clearly labelled synthetic jurisdictions (`synthetic-01`, ...) for trying and
    /// benchmarking: per province about 20 departments, 10 districts and 100 communes, scored
    /// every year. Never touches real jurisdictions.
    DemoData(demo_data::DemoDataArgs),
    /// Record a lineage event: agencies renamed, merged, split, created or abolished.
    Lineage(lineage::LineageArgs),
    /// Record another name an agency is published under, so imports match it.
    Alias(alias::AliasArgs),
    /// Create, revoke or list API tokens. Writes over the API need a token: `editor` for
    /// results, decisions, agencies and lineage; `admin` also for schemes, tokens and the audit
    /// log; `viewer` reads where reads need a token.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Add or list jurisdictions: provinces ranking their agencies, the nation ranking the
    /// provinces.
    #[command(subcommand)]
    Jurisdiction(jurisdiction::JurisdictionCommand),
    /// Add or list ranking indices and their sub-indices.
    #[command(subcommand)]
    Index(index::IndexCommand),
    /// Set, list or show scoring schemes, written as TOML files.
    #[command(subcommand)]
    Scheme(scheme::SchemeCommand),
    /// Restate a year's ranking over a later year's map: each unit of that map ranked by values
    /// derived from its predecessors' results by the rule the scheme names (`restate = "mean"`),
    /// stored beside the ranking as published.
    Restate(restate::RestateArgs),
}

impl Cli {
    /// Sends log lines to standard error in the chosen format, filtered by `RUST_LOG`
    /// (default `info`).
    pub fn init_logging(&self) {
        let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
        let logs = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr);
        match self.log_format {
            LogFormat::Text => logs.init(),
            LogFormat::Json => logs.json().with_current_span(true).init(),
        }
    }
}

/// Runs the command (`serve` when none is given) on the database of the global options; the
/// error is the message to print.
pub async fn run(cli: Cli) -> Result<(), String> {
    let serving = matches!(cli.command, None | Some(Command::Serve(_)));
    let settings = db::PoolSettings {
        max_connections: cli.pool_size,
        statement_timeout: cli.statement_timeout_ms.map(Duration::from_millis),
        busy_timeout: Duration::from_millis(cli.busy_timeout_ms),
        // The server flushes the database's log itself after each write, outside the write lock.
        deferred_sync: serving,
        ..db::PoolSettings::default()
    };
    let db = db::connect_with(&cli.database_url, settings)
        .await
        .map_err(|e| e.to_string())?;
    let log_sync = db::LogSync::new(&db, &cli.database_url, &settings)
        .await
        .map_err(|e| format!("cannot open the connection that flushes the database's log: {e}"))?;
    // Taken before the start writes anything (a migration, the published data).
    let start = log_sync.ticket();
    let command = match cli.command {
        Some(command) => command,
        None => Command::Serve(serve::ServeArgs::defaults()?),
    };
    if !matches!(command, Command::Migrate) {
        // Every other command works on a migrated database holding at least the published data.
        service::bootstrap::prepare(&db)
            .await
            .map_err(|e| e.to_string())?;
    }
    match command {
        Command::Serve(args) => serve::run(db, args, log_sync, start).await,
        Command::Import(args) => import::run(&db, args).await,
        Command::Export(args) => export::run(&db, args).await,
        Command::Migrate => migrate::run(&db).await,
        Command::DemoData(args) => demo_data::run(&db, args).await,
        Command::Lineage(args) => lineage::run(&db, args).await,
        Command::Alias(args) => alias::run(&db, args).await,
        Command::Token(command) => token::run(&db, command).await,
        Command::Jurisdiction(command) => jurisdiction::run(&db, command).await,
        Command::Index(command) => index::run(&db, command).await,
        Command::Scheme(command) => scheme::run(&db, command).await,
        Command::Restate(args) => restate::run(&db, args).await,
    }
}

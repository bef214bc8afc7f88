//! `egov-rank`: serve the ranking over GraphQL, import published tables, run migrations.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use api::limits::QueryLimits;

use clap::{Args, FromArgMatches, Parser, Subcommand};
use service::audit::CLI;
use service::database;
use service::import::{self, ImportOptions};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "egov-rank",
    version,
    about = "E-government ranking results: yearly scores, levels and ranks of public agencies"
)]
struct Cli {
    /// Database to use: a `sqlite://FILE` or `postgres://...` URL. The default SQLite file is
    /// created, migrated and loaded with the published 2020 tables on first start.
    #[arg(long, env = "DATABASE_URL", default_value = database::DEFAULT_DATABASE_URL, global = true)]
    database_url: String,

    /// Log lines as `text` or `json` (one object per line, with the request id).
    #[arg(long, env = "EGOV_LOG_FORMAT", default_value = "text", global = true)]
    log_format: LogFormat,

    /// Most database connections open at once (default 10).
    #[arg(long, env = "EGOV_POOL_SIZE", global = true)]
    pool_size: Option<u32>,

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

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Serve GraphQL at /graphql (GraphiQL in a browser) and /healthz. The default command.
    Serve(ServeArgs),
    /// Import a CSV in one transaction: the normalized format, or a table as published
    /// (Vietnamese headers, decimal commas, `%`, level labels; give --year and --tier). Every row
    /// is checked; on any error every bad row is reported with its line and column and nothing
    /// is written.
    Import {
        /// The CSV file (header `year,tier,published_rank,agency,...`).
        file: PathBuf,
        /// Ranking index of rows without an `index` column.
        #[arg(long)]
        index: Option<String>,
        /// Decision that published rows without a `decision` column, e.g. `3402/QĐ-UBND`.
        #[arg(long)]
        decision: Option<String>,
        /// Jurisdiction code; the default jurisdiction when omitted.
        #[arg(long)]
        jurisdiction: Option<String>,
        /// Check and report, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Year of a table as published (it has no year column).
        #[arg(long)]
        year: Option<i32>,
        /// Tier of a table as published: provincial, district or commune.
        #[arg(long)]
        tier: Option<service::Tier>,
    },
    /// Export a ranking laid out like the published appendix (Vietnamese headers, decimal
    /// commas, ranks with ties, printed levels), to standard output or --output.
    Export {
        #[arg(long)]
        year: i32,
        /// provincial, district or commune.
        #[arg(long)]
        tier: service::Tier,
        #[arg(long)]
        index: Option<String>,
        #[arg(long)]
        jurisdiction: Option<String>,
        /// csv or xlsx.
        #[arg(long, default_value = "csv")]
        format: String,
        /// File to write; standard output when omitted.
        #[arg(long)]
        output: Option<PathBuf>,
        /// A decision's number: the table as that decision published it, before later
        /// amendments (default: the latest).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Bring the database schema up to date, and nothing else.
    Migrate,
    /// Write clearly labelled synthetic jurisdictions (`synthetic-01`, ...) for trying and
    /// benchmarking: per province about 20 departments, 10 districts and 100 communes, scored
    /// every year. Never touches real jurisdictions.
    DemoData {
        /// How many synthetic provinces.
        #[arg(long, default_value_t = 1)]
        provinces: u32,
        /// Years to generate, e.g. `2016-2025`.
        #[arg(long, value_parser = parse_years, default_value = "2016-2025")]
        years: std::ops::RangeInclusive<i32>,
        /// Random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 2020)]
        seed: u64,
    },
    /// Record a lineage event: agencies renamed, merged, split, created or abolished.
    Lineage {
        /// RENAME, MERGE, SPLIT, CREATE or ABOLISH.
        #[arg(long)]
        kind: String,
        /// First year whose results belong to the successors.
        #[arg(long)]
        year: i32,
        /// Codes of the agencies before the event, comma-separated.
        #[arg(long = "from", value_delimiter = ',')]
        predecessors: Vec<String>,
        /// Codes of the agencies after the event, comma-separated.
        #[arg(long = "to", value_delimiter = ',')]
        successors: Vec<String>,
        /// Number of the decision that made the change (already recorded).
        #[arg(long)]
        decision: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        jurisdiction: Option<String>,
    },
    /// Record another name an agency is published under, so imports match it.
    Alias {
        /// The agency's code.
        #[arg(long)]
        agency: String,
        /// The name as a publication prints it.
        #[arg(long)]
        name: String,
        #[arg(long)]
        jurisdiction: Option<String>,
    },
    /// Create, revoke or list API tokens. Writes over the API need a token: `editor` for
    /// results, decisions, agencies and lineage; `admin` also for schemes, tokens and the audit
    /// log; `viewer` reads where reads need a token.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token and print its secret, which is stored only as a hash: keep it now.
    Create {
        /// viewer, editor or admin.
        #[arg(long)]
        role: service::access::Role,
        /// Who or what holds it; unique.
        #[arg(long)]
        name: String,
    },
    /// Revoke a token: it authenticates nobody from then on.
    Revoke {
        #[arg(long)]
        name: String,
    },
    /// List tokens (never their secrets).
    List,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8000")]
    bind: SocketAddr,
    /// How many answers to read-only queries to keep for reuse while the data is unchanged
    /// (0 turns the cache off).
    #[arg(long, env = "EGOV_CACHE_ENTRIES", default_value_t = 10_000)]
    cache_entries: usize,
    /// How often, in milliseconds, to check whether another process changed the data.
    #[arg(long, env = "EGOV_VERSION_POLL_MS", default_value_t = 250)]
    version_poll_ms: u64,
    /// Require a bearer token (any role) for reads too; writes always need one.
    #[arg(long, env = "EGOV_READS_REQUIRE_TOKEN")]
    reads_require_token: bool,
    /// Largest request body, in bytes.
    #[arg(long, env = "EGOV_MAX_BODY_BYTES", default_value_t = 16 * 1024 * 1024)]
    max_body_bytes: usize,
    /// A read running longer, in milliseconds, is stopped with TIMEOUT.
    #[arg(long, env = "EGOV_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    request_timeout_ms: u64,
    /// Deepest nesting of a query.
    #[arg(long, env = "EGOV_MAX_DEPTH", default_value_t = QueryLimits::default().max_depth)]
    max_depth: usize,
    /// Largest query complexity (a connection counts `first` times its fields).
    #[arg(long, env = "EGOV_MAX_COMPLEXITY", default_value_t = QueryLimits::default().max_complexity)]
    max_complexity: usize,
    /// Most aliases in a query.
    #[arg(long, env = "EGOV_MAX_ALIASES", default_value_t = QueryLimits::default().max_aliases)]
    max_aliases: usize,
    /// Most root fields in an operation.
    #[arg(long, env = "EGOV_MAX_ROOT_FIELDS", default_value_t = QueryLimits::default().max_root_fields)]
    max_root_fields: usize,
}

impl ServeArgs {
    /// `serve` with every flag at its default (or environment) value: the command run when
    /// none is given.
    fn defaults() -> Result<Self, String> {
        let command = Self::augment_args(clap::Command::new("serve"));
        Self::from_arg_matches(&command.get_matches_from(["serve"])).map_err(|e| e.to_string())
    }
}

/// Resolves on Ctrl-C or SIGTERM: the server then stops accepting connections and finishes
/// the requests in flight before exiting.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// Parses `A-B` (or a single year) into an inclusive range of years.
fn parse_years(text: &str) -> Result<std::ops::RangeInclusive<i32>, String> {
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

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().with_current_span(true).init(),
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("egov-rank: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let settings = database::PoolSettings {
        max_connections: cli.pool_size,
        statement_timeout: cli.statement_timeout_ms.map(Duration::from_millis),
        busy_timeout: Duration::from_millis(cli.busy_timeout_ms),
        ..database::PoolSettings::default()
    };
    let db = database::connect_with(&cli.database_url, settings)
        .await
        .map_err(|e| e.to_string())?;
    let command = match cli.command {
        Some(command) => command,
        None => Command::Serve(ServeArgs::defaults()?),
    };
    if matches!(command, Command::Migrate) {
        return database::migrate(&db).await.map_err(|e| e.to_string());
    }
    // Every other command works on a migrated database holding at least the published data.
    database::prepare(&db).await.map_err(|e| e.to_string())?;
    match command {
        Command::Migrate => Ok(()),
        Command::Export {
            year,
            tier,
            index,
            jurisdiction,
            format,
            output,
            as_of,
        } => {
            let scope =
                service::scope::Scope::resolve(&db, jurisdiction.as_deref(), index.as_deref())
                    .await
                    .map_err(|e| e.to_string())?;
            let format: service::export::Format =
                format.parse().map_err(|e: service::Error| e.to_string())?;
            let group = scope.group(year, tier);
            let body = service::export::export(&db, group, as_of.as_deref(), format)
                .await
                .map_err(|e| e.to_string())?;
            match output {
                Some(path) => std::fs::write(&path, body)
                    .map_err(|e| format!("cannot write {}: {e}", path.display())),
                None => std::io::Write::write_all(&mut std::io::stdout(), &body)
                    .map_err(|e| e.to_string()),
            }
        }
        Command::Serve(ServeArgs {
            bind,
            cache_entries,
            version_poll_ms,
            reads_require_token,
            max_body_bytes,
            request_timeout_ms,
            max_depth,
            max_complexity,
            max_aliases,
            max_root_fields,
        }) => {
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
            tracing::info!("serving GraphQL on http://{bind}/graphql");
            let options = api::ServerOptions {
                cache_entries,
                version_poll: std::time::Duration::from_millis(version_poll_ms),
                reads_require_token,
                max_body_bytes,
                request_timeout: Duration::from_millis(request_timeout_ms),
                limits: QueryLimits {
                    max_depth,
                    max_complexity,
                    max_aliases,
                    max_root_fields,
                },
                ..api::ServerOptions::default()
            };
            axum::serve(listener, api::router(db.clone(), options))
                .with_graceful_shutdown(shutdown_signal())
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!("stopped: every request in flight was answered");
            db.close().await.map_err(|e| e.to_string())
        }
        Command::DemoData {
            provinces,
            years,
            seed,
        } => {
            let options = service::demo::DemoOptions {
                provinces,
                years,
                seed,
            };
            let report = service::demo::generate(&db, &options)
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
        Command::Lineage {
            kind,
            year,
            predecessors,
            successors,
            decision,
            note,
            jurisdiction,
        } => {
            let kind = kind.parse().map_err(|e: service::Error| e.to_string())?;
            let event = service::lineage::NewLineageEvent {
                kind,
                year,
                predecessors,
                successors,
                decision,
                note,
            };
            let recorded = service::lineage::record(&db, jurisdiction.as_deref(), event, CLI)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "recorded {} of {} (event {})",
                recorded.kind, recorded.year, recorded.id
            );
            Ok(())
        }
        Command::Alias {
            agency,
            name,
            jurisdiction,
        } => {
            let jurisdiction = service::scope::resolve_jurisdiction(&db, jurisdiction.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            service::agencies::record_alias(&db, &jurisdiction, &agency, &name, CLI)
                .await
                .map_err(|e| e.to_string())?;
            println!("`{name}` now names {agency}");
            Ok(())
        }
        Command::Token(command) => token(&db, command).await.map_err(|e| e.to_string()),
        Command::Import {
            file,
            index,
            decision,
            jurisdiction,
            dry_run,
            year,
            tier,
        } => {
            let content =
                std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let options = ImportOptions {
                jurisdiction,
                index,
                decision,
                dry_run,
                year,
                tier,
                actor: None,
                keep_unstated: false,
            };
            match import::import_table(&db, &content, &options).await {
                Ok(report) => {
                    let verb = if report.dry_run {
                        "would import (dry run, nothing written)"
                    } else {
                        "imported"
                    };
                    println!("{verb} {} row(s) from {}", report.rows_read, file.display());
                    println!("agencies matched: {}", report.agencies_matched);
                    println!("agencies created: {}", report.agencies_created.len());
                    for name in &report.agencies_created {
                        println!("  + {name}");
                    }
                    for (line, name, suggestion) in &report.near_misses {
                        println!(
                            "  line {line}: `{name}` is new but looks like `{suggestion}` (if the same agency: egov-rank alias)"
                        );
                    }
                    println!("rankings re-scored: {}", import::labels(&report.groups));
                    Ok(())
                }
                Err(service::Error::InvalidImport(rows)) => {
                    for row in &rows {
                        eprintln!("{}: {row}", file.display());
                    }
                    Err(format!("{} error(s); nothing was imported", rows.len()))
                }
                Err(error) => Err(error.to_string()),
            }
        }
    }
}

/// `egov-rank token ...`.
async fn token(db: &sea_orm::DatabaseConnection, command: TokenCommand) -> service::Result<()> {
    use service::access;
    match command {
        TokenCommand::Create { role, name } => {
            let (token, secret) = access::create_token(db, &name, role, CLI).await?;
            eprintln!(
                "created the {} token `{}`; its secret (shown once, stored only as a hash):",
                token.role, token.name
            );
            println!("{secret}");
        }
        TokenCommand::Revoke { name } => {
            let token = access::revoke_token(db, &name, CLI).await?;
            println!("revoked `{}`", token.name);
        }
        TokenCommand::List => {
            for token in access::list_tokens(db).await? {
                let state = token
                    .revoked_at
                    .map_or_else(|| "valid".to_owned(), |at| format!("revoked {at}"));
                println!(
                    "{}\t{}\tcreated {}\t{state}",
                    token.name, token.role, token.created_at
                );
            }
        }
    }
    Ok(())
}

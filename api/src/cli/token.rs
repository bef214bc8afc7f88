//! `egov-rank token create|revoke|list`.

use clap::Subcommand;
use sea_orm::DatabaseConnection;
use service::access;
use service::access::audit::CLI;

/// The subcommands of `token`.
#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create a token and print its secret, which is stored only as a hash: keep it now.
    Create {
        /// viewer, editor or admin.
        #[arg(long)]
        role: access::Role,
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

/// Runs a token command, audited as the command line. A new token's secret is the only thing
/// printed to standard output, so that scripts can capture it.
pub async fn run(db: &DatabaseConnection, command: TokenCommand) -> Result<(), String> {
    match command {
        TokenCommand::Create { role, name } => create(db, role, &name).await,
        TokenCommand::Revoke { name } => revoke(db, &name).await,
        TokenCommand::List => list(db).await,
    }
    .map_err(|e| e.to_string())
}

async fn create(db: &DatabaseConnection, role: access::Role, name: &str) -> service::Result<()> {
    let (token, secret) = access::create_token(db, name, role, CLI).await?;
    eprintln!(
        "created the {} token `{}`; its secret (shown once, stored only as a hash):",
        token.role, token.name
    );
    println!("{secret}");
    Ok(())
}

async fn revoke(db: &DatabaseConnection, name: &str) -> service::Result<()> {
    let token = access::revoke_token(db, name, CLI).await?;
    println!("revoked `{}`", token.name);
    Ok(())
}

async fn list(db: &DatabaseConnection) -> service::Result<()> {
    for token in access::list_tokens(db).await? {
        let state = token
            .revoked_at
            .map_or_else(|| "valid".to_owned(), |at| format!("revoked {at}"));
        println!(
            "{}\t{}\tcreated {}\t{state}",
            token.name, token.role, token.created_at
        );
    }
    Ok(())
}

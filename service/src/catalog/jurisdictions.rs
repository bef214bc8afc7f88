//! Creating jurisdictions (provinces, centrally-run cities).

use entity::jurisdiction;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
};

use crate::{Error, Result};

/// Creates a jurisdiction; `CONFLICT` when the code is taken. A synthetic jurisdiction holds
/// generated data and is never the default.
pub async fn create(
    db: &impl ConnectionTrait,
    code: &str,
    name: &str,
    synthetic: bool,
) -> Result<jurisdiction::Model> {
    let taken = jurisdiction::Entity::find()
        .filter(jurisdiction::Column::Code.eq(code))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(Error::Conflict(format!(
            "a jurisdiction with code `{code}` exists already"
        )));
    }
    Ok(jurisdiction::ActiveModel {
        id: NotSet,
        code: Set(code.to_owned()),
        name: Set(name.to_owned()),
        is_default: Set(false),
        synthetic: Set(synthetic),
    }
    .insert(db)
    .await?)
}

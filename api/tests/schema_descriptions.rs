//! The schema explains itself: through introspection, as GraphiQL and code generators read it,
//! every type, field, argument, input field and enum value has a description, and so has the
//! schema. Fails below 100 %, listing what has none.

use serde_json::Value;

/// What introspection says of every type (the schema's own `__` types left out).
const INTROSPECTION: &str = r#"{ __schema {
  description
  types {
    name description
    fields(includeDeprecated: true) { name description args { name description } }
    inputFields { name description }
    enumValues(includeDeprecated: true) { name description }
  }
  directives { name description args { name description } }
} }"#;

fn described(value: &Value) -> bool {
    value["description"]
        .as_str()
        .is_some_and(|text| !text.trim().is_empty())
}

/// Every element introspection can describe, by path, with whether it is described.
fn elements(schema: &Value) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    let types = schema["types"].as_array().expect("types");
    for ty in types
        .iter()
        .filter(|ty| !ty["name"].as_str().unwrap_or_default().starts_with("__"))
    {
        let name = ty["name"].as_str().unwrap_or_default();
        found.push((name.to_owned(), described(ty)));
        for field in ty["fields"].as_array().into_iter().flatten() {
            let path = format!("{name}.{}", field["name"].as_str().unwrap_or_default());
            for arg in field["args"].as_array().into_iter().flatten() {
                let arg_path = format!("{path}({}:)", arg["name"].as_str().unwrap_or_default());
                found.push((arg_path, described(arg)));
            }
            found.push((path, described(field)));
        }
        for (list, sep) in [("inputFields", "."), ("enumValues", "::")] {
            for item in ty[list].as_array().into_iter().flatten() {
                let path = format!("{name}{sep}{}", item["name"].as_str().unwrap_or_default());
                found.push((path, described(item)));
            }
        }
    }
    for directive in schema["directives"].as_array().into_iter().flatten() {
        let name = format!("@{}", directive["name"].as_str().unwrap_or_default());
        for arg in directive["args"].as_array().into_iter().flatten() {
            let path = format!("{name}({}:)", arg["name"].as_str().unwrap_or_default());
            found.push((path, described(arg)));
        }
        found.push((name, described(directive)));
    }
    found
}

#[tokio::test]
async fn every_element_of_the_schema_is_described() {
    let served = api::build_schema(
        None,
        api::limits::QueryLimits::default(),
        api::graphql::live::Changes::start(None, std::time::Duration::from_secs(1)),
        None,
        true,
    );
    let response = served.execute(INTROSPECTION).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().expect("JSON");
    let schema = &data["__schema"];
    let description = schema["description"].as_str().unwrap_or_default();
    assert!(
        description.contains("e-government ranking"),
        "the schema's own description: {description}"
    );
    // Aliased and in a fragment, it is the same description.
    let aliased = served
        .execute("{ s: __schema { ...D } } fragment D on __Schema { d: description }")
        .await;
    assert_eq!(
        aliased.data.into_json().expect("JSON")["s"]["d"].as_str(),
        Some(description)
    );
    let elements = elements(schema);
    let missing: Vec<&str> = elements
        .iter()
        .filter(|(_, described)| !described)
        .map(|(path, _)| path.as_str())
        .collect();
    let coverage = 100.0 * (elements.len() - missing.len()) as f64 / elements.len() as f64;
    println!(
        "{} of {} schema elements described ({coverage:.1} %)",
        elements.len() - missing.len(),
        elements.len()
    );
    assert!(
        elements.len() > 500,
        "introspection listed {} elements: the query is missing some",
        elements.len()
    );
    assert!(
        missing.is_empty(),
        "{coverage:.1} % described; without a description ({}):\n{}",
        missing.len(),
        missing.join("\n")
    );
}

//! `[components]` and `[designs.NAME]`: the components as read, before they
//! are placed in designs.

use toml::de::DeValue;

use crate::scenario::design::RawDesign;
use crate::scenario::kinds::{Raw, component};
use crate::scenario::reader::text::did_you_mean;
use crate::scenario::reader::{Ctx, NameRef, Table, check_name};

pub(crate) fn shared(ctx: &mut Ctx, root: &Table, classes: Option<&[&str]>) -> Vec<Raw> {
    let Some(t) = root.sub(ctx, "components") else {
        return Vec::new();
    };
    t.entries()
        .filter_map(|(name, at, v)| component(ctx, t.key(name), name, at, v, classes))
        .collect()
}

pub(crate) fn read(ctx: &mut Ctx, root: &Table, classes: Option<&[&str]>) -> Vec<RawDesign> {
    let Some(t) = root.req_sub(
        ctx,
        "designs",
        "[designs.NAME] tables",
        "missing [designs.NAME] tables: expected at least one design",
    ) else {
        return Vec::new();
    };
    if t.map.is_empty() {
        ctx.error(
            t.at,
            "designs",
            "expected at least one design [designs.NAME], found none",
        );
    }
    let mut designs = Vec::new();
    for (name, name_at, v) in t.entries() {
        let path = t.key(name);
        let Some(d) = Table::of(
            ctx,
            path.clone(),
            v,
            "a design table with `entry` and components",
        ) else {
            continue;
        };
        check_name(ctx, name_at, &path, name, "design");
        let entry = d
            .req_str(
                ctx,
                "entry",
                "the name of the component that receives each request",
            )
            .map(|e| NameRef {
                name: e.to_string(),
                at: d.at("entry"),
                key: d.key("entry"),
            });
        let mut own = Vec::new();
        for (key, key_at, value) in d.entries() {
            if key == "entry" {
                continue;
            }
            if matches!(value.get_ref(), DeValue::Table(_)) {
                own.extend(component(ctx, d.key(key), key, key_at, value, classes));
            } else {
                let hint = did_you_mean(key, ["entry"]);
                let hint = if hint.is_empty() {
                    "; expected `entry` or a component table".into()
                } else {
                    hint
                };
                ctx.error(key_at, d.key(key), format!("unknown key `{key}`{hint}"));
            }
        }
        designs.push(RawDesign {
            name: name.to_string(),
            entry,
            own,
        });
    }
    designs
}

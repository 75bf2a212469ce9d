//! Semver candidates: the newest patch, minor and major above a pinned version.

use semver::{Version, VersionReq};

/// What `--to` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum To {
    Patch,
    Minor,
    Major,
    Exact(Version),
}

impl std::str::FromStr for To {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "patch" => Ok(To::Patch),
            "minor" => Ok(To::Minor),
            "major" => Ok(To::Major),
            v => parse(v).map(To::Exact).ok_or_else(|| {
                format!("`{v}` is not patch, minor, major or a semver version (X.Y.Z)")
            }),
        }
    }
}

/// The newest version of each upgrade level, strictly above the current one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidates {
    pub patch: Option<Version>,
    pub minor: Option<Version>,
    pub major: Option<Version>,
}

/// Parses a chart version or OCI tag leniently: a leading `v` is allowed, and `_` stands for
/// `+` (OCI tags cannot hold `+`; Helm writes build metadata with `_`).
pub fn parse(s: &str) -> Option<Version> {
    let s = s.trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    Version::parse(&s.replace('_', "+")).ok()
}

/// A Flux version constraint (`8.x`, `>=1.0.0 <2.0.0`, `~1.2`) as a semver requirement.
/// Flux (Masterminds semver) separates AND-ed comparators with spaces or commas.
pub fn parse_range(s: &str) -> Option<VersionReq> {
    let mut out = String::new();
    for (i, part) in s.split([' ', ',']).filter(|p| !p.is_empty()).enumerate() {
        // `>= 1.0` (operator, space, version) is one comparator.
        let joins = i > 0 && !out.ends_with(['=', '<', '>', '~', '^']);
        if joins {
            out.push_str(", ");
        }
        out.push_str(part);
    }
    VersionReq::parse(&out).ok()
}

/// The newest patch (same major.minor), minor (same major) and major above `current`.
/// Pre-releases count only with `pre`.
pub fn candidates(current: &Version, all: &[Version], pre: bool) -> Candidates {
    let mut c = Candidates::default();
    for v in all
        .iter()
        .filter(|v| *v > current && (pre || v.pre.is_empty()))
    {
        let slot = if v.major != current.major {
            &mut c.major
        } else if v.minor != current.minor {
            &mut c.minor
        } else {
            &mut c.patch
        };
        if slot.as_ref().is_none_or(|s| v > s) {
            *slot = Some(v.clone());
        }
    }
    c
}

/// The version `--to` selects: the newest at that level or any lower one, or the exact version
/// (which must exist). `None` when nothing is newer.
pub fn choose(c: &Candidates, to: &To, all: &[Version]) -> Result<Option<Version>, Version> {
    Ok(match to {
        To::Patch => c.patch.clone(),
        To::Minor => c.minor.clone().or_else(|| c.patch.clone()),
        To::Major => c
            .major
            .clone()
            .or_else(|| c.minor.clone())
            .or_else(|| c.patch.clone()),
        To::Exact(v) => {
            if !all.contains(v) {
                return Err(v.clone());
            }
            Some(v.clone())
        }
    })
}

/// The upgrade level between two versions.
pub fn level(from: &Version, to: &Version) -> &'static str {
    if from.major != to.major {
        "major"
    } else if from.minor != to.minor {
        "minor"
    } else if from != to {
        // A patch, or only the pre-release/build part changed.
        "patch"
    } else {
        "none"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vs(list: &[&str]) -> Vec<Version> {
        list.iter().filter_map(|s| parse(s)).collect()
    }

    #[test]
    fn candidates_pick_the_newest_of_each_level() {
        let all = vs(&[
            "1.2.3",
            "1.2.4",
            "1.2.9",
            "1.3.0",
            "1.9.1",
            "2.0.0",
            "3.1.0",
            "1.2.10-rc.1",
        ]);
        let c = candidates(&parse("1.2.3").unwrap(), &all, false);
        assert_eq!(c.patch, parse("1.2.9"));
        assert_eq!(c.minor, parse("1.9.1"));
        assert_eq!(c.major, parse("3.1.0"));
        // pre-releases only when asked
        let c = candidates(&parse("1.2.3").unwrap(), &all, true);
        assert_eq!(c.patch, parse("1.2.10-rc.1"));
    }

    #[test]
    fn choose_falls_back_to_lower_levels_and_checks_exact_versions() {
        let all = vs(&["1.2.3", "1.2.4"]);
        let c = candidates(&parse("1.2.3").unwrap(), &all, false);
        assert_eq!(choose(&c, &To::Major, &all), Ok(parse("1.2.4")));
        assert_eq!(choose(&c, &To::Patch, &all), Ok(parse("1.2.4")));
        assert!(choose(&c, &To::Exact(parse("9.9.9").unwrap()), &all).is_err());
        let none = candidates(&parse("1.2.4").unwrap(), &all, false);
        assert_eq!(choose(&none, &To::Minor, &all), Ok(None));
    }

    #[test]
    fn lenient_parsing_and_flux_ranges() {
        assert_eq!(parse("v1.2.3"), Version::parse("1.2.3").ok());
        assert_eq!(parse("1.2.3_build.1").unwrap().build.as_str(), "build.1");
        assert!(parse("latest").is_none());
        let r = parse_range(">=1.0.0 <2.0.0").unwrap();
        assert!(r.matches(&parse("1.5.0").unwrap()) && !r.matches(&parse("2.0.0").unwrap()));
        let r = parse_range(">= 1.0.0, < 2.0.0").unwrap();
        assert!(r.matches(&parse("1.5.0").unwrap()));
        assert!(
            parse_range("8.x")
                .unwrap()
                .matches(&parse("8.4.0").unwrap())
        );
        assert_eq!("minor".parse::<To>(), Ok(To::Minor));
        assert!("sideways".parse::<To>().is_err());
    }
}

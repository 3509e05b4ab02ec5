//! Lesson goals: small predicates over a run's report, such as
//! `lost == 0 && duplicated == 0` or `verdict == "exactly-once"`.
//!
//! Grammar: `expr := and ("||" and)*`, `and := atom ("&&" atom)*`,
//! `atom := "(" expr ")" | "!" atom | value op value`, `op := == != < <= > >=`,
//! `value := number | "string" | field`. Fields are report fields (`lost`, `verdict`,
//! `anomalies.G1a`, `latency_ms.p50`, ...) and `errors.<KAFKA_ERROR_NAME>`, the number of
//! errors with that name.

use crate::audit::Report;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let b: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if c == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else if c == '"' {
            let start = i + 1;
            i = start;
            while i < b.len() && b[i] != '"' {
                i += 1;
            }
            if i >= b.len() {
                return Err("unterminated string".into());
            }
            out.push(Tok::Str(b[start..i].iter().collect()));
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == '.') {
                i += 1;
            }
            let s: String = b[start..i].iter().collect();
            out.push(Tok::Num(s.parse().map_err(|_| format!("bad number {s}"))?));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == '_' || b[i] == '.' || b[i] == '-') {
                i += 1;
            }
            out.push(Tok::Ident(b[start..i].iter().collect()));
        } else {
            let two: String = b[i..(i + 2).min(b.len())].iter().collect();
            let op = ["==", "!=", "<=", ">=", "&&", "||"].into_iter().find(|o| *o == two);
            match op {
                Some(o) => {
                    out.push(Tok::Op(o));
                    i += 2;
                }
                None => {
                    let one = match c {
                        '<' => "<",
                        '>' => ">",
                        '!' => "!",
                        _ => return Err(format!("unexpected character {c:?}")),
                    };
                    out.push(Tok::Op(one));
                    i += 1;
                }
            }
        }
    }
    Ok(out)
}

struct Parser<'a> {
    toks: &'a [Tok],
    pos: usize,
    report: &'a Value,
}

#[derive(Clone, Debug, PartialEq)]
enum Val {
    Num(f64),
    Str(String),
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if self.peek() == Some(&Tok::Op(match op {
            "&&" => "&&",
            "||" => "||",
            "!" => "!",
            _ => return false,
        })) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expr(&mut self) -> Result<bool, String> {
        let mut v = self.and()?;
        while self.eat_op("||") {
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }
    fn and(&mut self) -> Result<bool, String> {
        let mut v = self.atom()?;
        while self.eat_op("&&") {
            let r = self.atom()?;
            v = v && r;
        }
        Ok(v)
    }
    fn atom(&mut self) -> Result<bool, String> {
        if self.eat_op("!") {
            return Ok(!self.atom()?);
        }
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            let v = self.expr()?;
            if self.peek() != Some(&Tok::RParen) {
                return Err("expected )".into());
            }
            self.pos += 1;
            return Ok(v);
        }
        let a = self.value()?;
        let op = match self.peek() {
            Some(Tok::Op(o)) if ["==", "!=", "<", "<=", ">", ">="].contains(o) => *o,
            other => return Err(format!("expected a comparison, got {other:?}")),
        };
        self.pos += 1;
        let b = self.value()?;
        Ok(match (a, b) {
            (Val::Num(x), Val::Num(y)) => match op {
                "==" => x == y,
                "!=" => x != y,
                "<" => x < y,
                "<=" => x <= y,
                ">" => x > y,
                _ => x >= y,
            },
            (Val::Str(x), Val::Str(y)) => match op {
                "==" => x == y,
                "!=" => x != y,
                _ => return Err("strings compare only with == and !=".into()),
            },
            _ => return Err("cannot compare a number with a string".into()),
        })
    }
    fn value(&mut self) -> Result<Val, String> {
        let t = self.peek().cloned().ok_or("unexpected end")?;
        self.pos += 1;
        match t {
            Tok::Num(n) => Ok(Val::Num(n)),
            Tok::Str(s) => Ok(Val::Str(s)),
            Tok::Ident(name) => field(self.report, &name),
            other => Err(format!("expected a value, got {other:?}")),
        }
    }
}

fn field(report: &Value, name: &str) -> Result<Val, String> {
    if let Some(err) = name.strip_prefix("errors.") {
        let n = report["errors"].as_array().map(|a| a.iter().filter(|e| e["error"] == err).count()).unwrap_or(0);
        return Ok(Val::Num(n as f64));
    }
    let mut cur = report;
    for part in name.split('.') {
        cur = cur.get(part).ok_or_else(|| format!("unknown field {name}"))?;
    }
    match cur {
        Value::Number(n) => Ok(Val::Num(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => Ok(Val::Str(s.clone())),
        _ => Err(format!("{name} is not a number or a string")),
    }
}

/// Whether `goal` holds for `report`; an error explains a malformed goal.
pub fn holds(goal: &str, report: &Report) -> Result<bool, String> {
    let toks = lex(goal)?;
    let value = serde_json::to_value(report).map_err(|e| e.to_string())?;
    let mut p = Parser { toks: &toks, pos: 0, report: &value };
    let v = p.expr()?;
    if p.pos != toks.len() {
        return Err(format!("unexpected {:?}", toks[p.pos]));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let out = crate::run_json(
            r#"{"version":1,"topics":[{"name":"t"}],"producers":[{"id":"p1","topic":"t","messages":5}],
               "consumers":[{"id":"c1","group":"g","topic":"t","config":{"auto.offset.reset":"earliest"}}]}"#,
        )
        .unwrap();
        out.report
    }

    #[test]
    fn evaluates_goals_over_the_report() {
        let r = report();
        assert!(holds("lost == 0 && duplicated == 0", &r).unwrap());
        assert!(holds(r#"verdict == "exactly-once""#, &r).unwrap());
        assert!(!holds("lost > 0 || duplicated > 0", &r).unwrap());
        assert!(holds("consumed >= 5 && anomalies.G1a == 0 && errors.PRODUCER_FENCED == 0", &r).unwrap());
        assert!(holds("!(lost > 0)", &r).unwrap());
        assert!(holds("latency_ms.p50 >= 0", &r).unwrap());
        assert!(holds("nonsense == 1", &r).is_err());
        assert!(holds("lost ==", &r).is_err());
        assert!(holds(r#"verdict > "a""#, &r).is_err());
    }
}

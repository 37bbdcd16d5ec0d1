//! S3 ListBuckets (`GET /?x-id=ListBuckets`, restXml).

use crate::http::{self, Req, Resp, Service};
use crate::sigv4;
use crate::store::Inner;
use crate::util::{self, xml_escape};

pub const MAX_BUCKETS_LIMIT: usize = 10_000;

pub fn list_buckets(inner: &mut Inner, req: &Req) -> Resp {
    let caller = match sigv4::authenticate(inner, req, Service::S3) {
        Ok(c) => c,
        Err((status, code, msg)) => return http::error(Service::S3, status, code, msg),
    };
    let max = match req.q("max-buckets") {
        None => None,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_BUCKETS_LIMIT).contains(&n) => Some(n),
            _ => return http::error(Service::S3, 400, "InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000."),
        },
    };
    let prefix = req.q("prefix").filter(|p| !p.is_empty());
    let region = req.q("bucket-region").filter(|r| !r.is_empty());
    let after = match req.q("continuation-token").filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => match util::parse_page_token("s3-ct", t) {
            Some(name) => Some(name),
            None => return http::error(Service::S3, 400, "InvalidArgument", "The continuation token provided is incorrect"),
        },
    };

    let buckets = &inner.state.buckets; // sorted by name
    let start = match (&after, prefix) {
        (Some(a), _) => buckets.partition_point(|b| b.name.as_str() <= a.as_str()),
        (None, Some(p)) => buckets.partition_point(|b| b.name.as_str() < p),
        (None, None) => 0,
    };
    let limit = max.unwrap_or(usize::MAX);
    let mut page = Vec::new();
    let mut more = false;
    for b in &buckets[start..] {
        if let Some(p) = prefix {
            if !b.name.starts_with(p) {
                if b.name.as_str() > p {
                    break;
                }
                continue;
            }
        }
        if let Some(r) = region {
            if b.region != r {
                continue;
            }
        }
        if b.account.as_ref().is_some_and(|a| *a != caller.account) {
            continue;
        }
        if page.len() == limit {
            more = true;
            break;
        }
        page.push(b);
    }

    let owner = &inner.state.owner;
    let mut xml = String::with_capacity(200 + page.len() * 200);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    xml.push_str(&format!(
        "<Owner><DisplayName>{}</DisplayName><ID>{}</ID></Owner><Buckets>",
        xml_escape(&owner.display_name),
        xml_escape(&owner.id)
    ));
    for b in &page {
        xml.push_str(&format!(
            "<Bucket><Name>{n}</Name><CreationDate>{}</CreationDate><BucketRegion>{}</BucketRegion><BucketArn>arn:aws:s3:::{n}</BucketArn></Bucket>",
            xml_escape(&util::s3_timestamp(&b.creation_date)),
            xml_escape(&b.region),
            n = xml_escape(&b.name),
        ));
    }
    xml.push_str("</Buckets>");
    if more {
        if let Some(last) = page.last() {
            xml.push_str(&format!("<ContinuationToken>{}</ContinuationToken>", util::page_token("s3-ct", &last.name)));
        }
    }
    if let Some(p) = prefix {
        xml.push_str(&format!("<Prefix>{}</Prefix>", xml_escape(p)));
    }
    xml.push_str("</ListAllMyBucketsResult>");
    http::raw(Service::S3, 200, xml)
}

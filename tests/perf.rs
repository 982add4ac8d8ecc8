//! Build-time trimming and the benchmark script, kept honest by tests:
//! the crawler's HTTP client does TLS with the ring crypto provider (reqwest
//! is built without its default aws-lc provider), and `scripts/bench --smoke`
//! builds a scaled archive that `xxgk build` reads in full.

use std::process::Command;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use url::Url;
use xxgk::crawl::{Downloader, DownloaderConfig};

/// A test CA (P-256, valid until 2126) and a certificate it signed for
/// `localhost` / `127.0.0.1`, made with openssl for this test only.
const CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBlTCCATugAwIBAgIUPulYwBRwjREhQDinRawy6vjbUlEwCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMeHhnayB0ZXN0IENBMCAXDTI2MTIwMTE2MzEyOFoYDzIxMjYx
MTA3MTYzMTI4WjAXMRUwEwYDVQQDDAx4eGdrIHRlc3QgQ0EwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAATfHOy2ezTlukyFHRRN90Cq50PQHZ0Drny+59/gZbTKIcZc
/C+7ivrRgkRDfm9GEi2zxr/2k1MOoLJ3UMF+zgMgo2MwYTAdBgNVHQ4EFgQUwrG9
OJXNVt4O9En5u6aiaPNqsR0wHwYDVR0jBBgwFoAUwrG9OJXNVt4O9En5u6aiaPNq
sR0wDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwCgYIKoZIzj0EAwID
SAAwRQIgT4hhLFOAIIOvLBur9D7WAwRy4Sr3AQ2HWtxM0lazwzcCIQDzNIeKFUIt
zQHM2Ms1LgGzmAh68XK34l2rQWsWdBYEDA==
-----END CERTIFICATE-----";
const LEAF_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBrDCCAVOgAwIBAgIUWkNE7BbKxIwkVMMjy+5uMDGxUTIwCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMeHhnayB0ZXN0IENBMCAXDTI2MTIwMTE2MzEyOVoYDzIxMjYx
MTA3MTYzMTI5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggq
hkjOPQMBBwNCAATrvhLRS2oJKSG8xaKUt0WY1NSHoRQR3aLYpkdJ+UhkFYTRSZP0
U4G2tIeV9uQU9M4+M0lA+VHQVH/MMtHi6QX5o34wfDAaBgNVHREEEzARgglsb2Nh
bGhvc3SHBH8AAAEwCQYDVR0TBAIwADATBgNVHSUEDDAKBggrBgEFBQcDATAdBgNV
HQ4EFgQUHUpe7RHfUKE8aav8r2QYnbO5pC4wHwYDVR0jBBgwFoAUwrG9OJXNVt4O
9En5u6aiaPNqsR0wCgYIKoZIzj0EAwIDRwAwRAIgNIHSca6Lf/V99AmHNsZqNAwT
c65Ov+D/t193JuRBpswCIBZBCpyJgfoh/Da5rVLd1VYXJMH5FQccmO58gI/qZI06
-----END CERTIFICATE-----";
const LEAF_KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9hH9iHAtTlUe7ASo
0lvWIltiEHOALx/0GXH2ranUqUGhRANCAATrvhLRS2oJKSG8xaKUt0WY1NSHoRQR
3aLYpkdJ+UhkFYTRSZP0U4G2tIeV9uQU9M4+M0lA+VHQVH/MMtHi6QX5
-----END PRIVATE KEY-----";

/// Serves one HTTPS answer per connection on 127.0.0.1 until the test ends.
async fn tls_server() -> std::net::SocketAddr {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certs = vec![
        CertificateDer::from_pem_slice(LEAF_PEM.as_bytes()).expect("leaf pem"),
        CertificateDer::from_pem_slice(CA_PEM.as_bytes()).expect("ca pem"),
    ];
    let key = PrivateKeyDer::from_pem_slice(LEAF_KEY_PEM.as_bytes()).expect("key pem");
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server certificate");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let body = "ok over tls";
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crawler_client_does_tls_with_the_ring_provider() {
    let addr = tls_server().await;
    // The crawler's own client: building it installs the provider (it panics
    // when reqwest has no provider). The test CA is not trusted by the
    // platform verifier, so the handshake must fail on the certificate: that
    // needs a real handshake (key exchange, the server's signature checked).
    let dl = Downloader::new(DownloaderConfig {
        retries: 0,
        ..DownloaderConfig::default()
    })
    .expect("the crawler's HTTP client builds");
    let url = Url::parse(&format!("https://localhost:{}/", addr.port())).expect("url");
    let err = dl
        .fetch(&url, None)
        .await
        .expect_err("a certificate from an unknown CA must be refused");
    assert!(
        err.message.to_lowercase().contains("certificate"),
        "expected a certificate error from a completed handshake, got {err:?}"
    );

    // The same provider with the test CA trusted: a full request over TLS.
    let ca = reqwest::Certificate::from_pem(CA_PEM.as_bytes()).expect("ca");
    let client = reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .expect("client with the test CA");
    let r = client
        .get(url.as_str())
        .send()
        .await
        .expect("https request");
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.expect("body"), "ok over tls");
}

#[test]
fn bench_smoke_builds_every_document_of_the_scaled_archive() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bench");
    let out = Command::new("python3")
        .args([
            script,
            "--smoke",
            "--no-pandas",
            "--bin",
            env!("CARGO_BIN_EXE_xxgk"),
        ])
        .output()
        .expect("python3 runs (it is part of the machine image; apt-get install python3)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "scripts/bench --smoke failed:\n{stdout}\n{stderr}"
    );
    // The row of N = 6: N, reports read by the build, HTML MB, cpu s, wall,
    // ms/doc, ms/100KB, peak RSS MB, output MB.
    let row: Vec<&str> = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some("6"))
        .unwrap_or_else(|| panic!("no result row for N=6:\n{stdout}"))
        .split_whitespace()
        .collect();
    assert_eq!(row.len(), 9, "{row:?}");
    assert_eq!(row[1], "6", "the build must read all 6 documents: {row:?}");
    for (i, name) in [(2, "HTML MB"), (7, "peak RSS MB"), (8, "output MB")] {
        let v: f64 = row[i]
            .parse()
            .unwrap_or_else(|_| panic!("{name} in {row:?}"));
        assert!(v > 0.0, "{name} must be positive: {row:?}");
    }
}

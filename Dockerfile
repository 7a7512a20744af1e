# syntax=docker/dockerfile:1
# One image with all Callwright binaries; docker-compose.temporal.yml runs it as
# `callwright-api` and `callwright-worker`.

FROM rust:1.95-bookworm AS builder
WORKDIR /src
# sqlx's query macros must not need a live database inside the build.
ENV SQLX_OFFLINE=true \
    CARGO_TERM_COLOR=never
COPY . .
# No protoc needed: temporalio-client is built with its `vendored-protox` feature.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bins \
    && mkdir -p /out \
    && find target/release -maxdepth 1 -type f -executable -name 'callwright-*' -exec cp {} /out/ \; \
    && test -x /out/callwright-api && test -x /out/callwright-worker

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin callwright
COPY --from=builder /out/ /usr/local/bin/
WORKDIR /app
USER callwright
ENV RUST_LOG=info
EXPOSE 8080
CMD ["callwright-api"]

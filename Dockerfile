# orderdesk in one small image: `orderdesk migrate`, `orderdesk worker` and
# `orderdesk web` (see docker-compose.yml).
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/orderdesk ./cmd/orderdesk

FROM alpine:3.22
# ca-certificates for SendGrid and the payment providers, tzdata for
# Europe/Paris dates in emails; busybox wget serves the health check.
RUN apk add --no-cache ca-certificates tzdata && adduser -D -H -u 10001 orderdesk
COPY --from=build /out/orderdesk /usr/local/bin/orderdesk
USER orderdesk
ENV ORDERDESK_WEB_ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["orderdesk"]
CMD ["web"]

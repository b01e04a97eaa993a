# syntax=docker/dockerfile:1
# Switchboard in a container: built with the Maven wrapper, run on a JRE as a non-root user.
#   docker build -t switchboard .
#   docker run -p 8080:8080 -e SPRING_R2DBC_URL=... switchboard      (see README, "Docker")
# Configuration comes from environment variables (Spring's relaxed binding: switchboard.keys.provider-daily-limit
# is SWITCHBOARD_KEYS_PROVIDERDAILYLIMIT) and from files mounted under /app/config/.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp dependency:go-offline
COPY src/main src/main
COPY frontend-sample frontend-sample
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -Dmaven.test.skip=true package \
    && cp target/switchboard-*.jar /src/switchboard.jar

FROM eclipse-temurin:17-jre
# curl for the health check; Tesseract (with its English data) for OCR of images and scanned PDFs in tasks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 switchboard \
    && useradd --system --uid 10001 --gid switchboard --home-dir /app --shell /usr/sbin/nologin switchboard \
    && mkdir -p /app/config \
    && chown -R switchboard:switchboard /app
WORKDIR /app
COPY --from=build --chown=switchboard:switchboard /src/switchboard.jar /app/switchboard.jar
USER switchboard

# Not the demo profile: no simulator, no embedded PostgreSQL (set SPRING_R2DBC_URL and SPRING_FLYWAY_URL).
ENV SPRING_PROFILES_ACTIVE=prod \
    PORT=8080 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.security.egd=file:/dev/./urandom"
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/actuator/health" > /dev/null || exit 1
# Recent Docker releases' default seccomp profile refuses io_uring: the gateway then runs on epoll and says so in
# its startup log (README, Docker).
# exec: java is PID 1 and gets SIGTERM for the graceful shutdown; extra arguments go to the application.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/switchboard.jar \"$@\"", "--"]

/**
 * What `npm test` needs before it runs anything: the shared Redis and PostgreSQL when they are
 * up, otherwise private ones when the binaries are installed; slixmpp, Chromium and Prosody must be
 * installed. Anything missing is reported together, with what to install.
 */
import { PrivateRedisServer } from '../../../server-core/testing/redis';
import { TEST_REDIS } from '../../../server-core/testing/redis/test-redis';
import { TEST_POSTGRES_URL } from '../../../server-core/testing/databases/test-databases';
import { CHROMIUM, PROSODY, PYTHON_WITH_SLIXMPP } from '../test-tools';
import { PrivatePostgres, findPostgresBin } from './private-postgres';
import { isExecutable, onPath, postgresProblem, pythonHasSlixmpp, redisAnswers } from './probes';

export interface TestServices {
  /** Environment for the test processes: points the tests at private servers when some were started. */
  env: Record<string, string>;
  /** One line per service: which one the tests use. */
  report: string[];
  /** One line per missing piece, naming what to install. Empty when everything is there. */
  missing: string[];
  stop(): Promise<void>;
}

export async function prepareTestServices(): Promise<TestServices> {
  const env: Record<string, string> = {};
  const report: string[] = [];
  const missing: string[] = [];
  const stops: Array<() => Promise<void>> = [];

  if (await redisAnswers(TEST_REDIS.host, TEST_REDIS.port)) {
    report.push(`Redis: ${TEST_REDIS.host}:${TEST_REDIS.port}`);
  } else if (onPath('redis-server')) {
    const redis = await PrivateRedisServer.start();
    stops.push(() => redis.stop());
    env.TEST_REDIS_HOST = '127.0.0.1';
    env.TEST_REDIS_PORT = String(redis.port);
    report.push(`Redis: private redis-server on 127.0.0.1:${redis.port} (nothing answered on ${TEST_REDIS.host}:${TEST_REDIS.port})`);
  } else {
    missing.push(`Redis: nothing answers on ${TEST_REDIS.host}:${TEST_REDIS.port} and redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)`);
  }

  const sharedProblem = await postgresProblem(TEST_POSTGRES_URL);
  const postgresBin = findPostgresBin(onPath('initdb'));
  if (!sharedProblem) {
    report.push(`PostgreSQL: ${TEST_POSTGRES_URL}`);
    // test/support/services/private-postgres.test.ts starts one to prove the fallback works.
    if (!postgresBin) missing.push('PostgreSQL server programs: initdb is not installed; one test starts a private server (Debian/Ubuntu: apt-get install postgresql)');
  } else if (postgresBin) {
    try {
      const postgres = await PrivatePostgres.start(postgresBin);
      stops.push(() => postgres.stop());
      env.TEST_POSTGRES_URL = postgres.url;
      report.push(`PostgreSQL: private server at ${postgres.url} (${TEST_POSTGRES_URL}: ${sharedProblem})`);
    } catch (error) {
      missing.push(`PostgreSQL: ${TEST_POSTGRES_URL} is not usable (${sharedProblem}) and a private server did not start: ${(error as Error).message}`);
    }
  } else {
    missing.push(`PostgreSQL: ${TEST_POSTGRES_URL} is not usable (${sharedProblem}) and initdb is not installed (Debian/Ubuntu: apt-get install postgresql)`);
  }

  if (!(await pythonHasSlixmpp(PYTHON_WITH_SLIXMPP))) {
    missing.push(`slixmpp: ${PYTHON_WITH_SLIXMPP} cannot import slixmpp (Debian/Ubuntu: apt-get install python3-slixmpp; or set TEST_PYTHON)`);
  }
  if (!isExecutable(CHROMIUM)) missing.push(`Chromium: ${CHROMIUM} is not installed (Debian/Ubuntu: apt-get install chromium; or set TEST_CHROMIUM)`);
  if (!isExecutable(PROSODY)) missing.push(`Prosody: ${PROSODY} is not installed (Debian/Ubuntu: apt-get install prosody; or set TEST_PROSODY)`);

  const stop = async () => {
    for (const one of stops.reverse()) await one();
  };
  return { env, report, missing, stop };
}

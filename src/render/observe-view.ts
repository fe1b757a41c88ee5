/** The context of templates/gunicorn.conf.py.hbs. */
export interface GunicornConfView {
  /** The two generated-file header lines (headerFor(...)), `# `-prefixed. */
  header: string;
  model: string;
  metrics: boolean;
  tracing: boolean;
  /** Instrumentors started in each worker after fork, e.g. {module: 'opentelemetry.instrumentation.flask', name: 'FlaskInstrumentor'}. */
  instrumentors: { module: string; name: string }[];
  /** Absolute path (in the image) of the user's own gunicorn config to load first and chain, or false. */
  userConfig: string | false;
}
/** The context of templates/envgen_observe.py.hbs and templates/envgen-observe.sh.hbs (shared files). */
export interface ObserveSharedView {
  header: string;
}

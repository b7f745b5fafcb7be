// Where the dashboard keeps its session: a token the server signed (7 days for owners and
// staff, hours for the admin). The server is the judge of expiry: an expired token comes
// back as "inicia sesión" and we forget it, so a demo server with a frozen clock still works.
//
// An admin's "entrar como" session lives only in the tab it opened (sessionStorage), so the
// admin's own session in the other tab is untouched.

const CLAVE = "parlo.sesion";
const PREFIJO_TRASPASO = "parlo.traspaso.";

export function sesionActual() {
  const propia = sessionStorage.getItem(CLAVE) ?? localStorage.getItem(CLAVE);
  if (!propia) return null;
  try {
    const s = JSON.parse(propia);
    return s && typeof s.token === "string" ? s : null;
  } catch {
    return null;
  }
}

/** tipo: "personal" (dueño o equipo) o "admin". */
export function guardarSesion(token, tipo) {
  localStorage.setItem(CLAVE, JSON.stringify({ token, tipo, desde: Date.now() }));
}

export function cerrarSesion() {
  if (sessionStorage.getItem(CLAVE)) {
    sessionStorage.removeItem(CLAVE);
  } else {
    localStorage.removeItem(CLAVE);
  }
}

export function esSuplantacion() {
  return sessionStorage.getItem(CLAVE) !== null;
}

/** Hand a session to a tab we are about to open; the new tab picks it up once. */
export function prepararTraspaso(token) {
  const clave = crypto.randomUUID();
  localStorage.setItem(PREFIJO_TRASPASO + clave, JSON.stringify({ token, tipo: "personal", desde: Date.now() }));
  return clave;
}

export function recibirTraspaso(clave) {
  const dato = localStorage.getItem(PREFIJO_TRASPASO + clave);
  localStorage.removeItem(PREFIJO_TRASPASO + clave);
  if (!dato) return false;
  sessionStorage.setItem(CLAVE, dato);
  return true;
}

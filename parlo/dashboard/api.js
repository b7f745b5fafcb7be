// The dashboard's only way to the server: POST /graphql with the session's bearer token.
//
// Every failure ends as a Spanish sentence the screen can show where the person acted:
//  - a typed problem in a mutation result (it implements `Problem { message }`) → ErrorParlo
//    carrying the server's own Spanish message and the whole payload (e.g. alternatives);
//  - a network failure or a server error → a plain Spanish explanation (the technical
//    detail goes to the console, never on screen: the UI has no English);
//  - an expired or missing session → we forget it and show the sign-in page.

import { cerrarSesion, sesionActual } from "./sesion.js";

export class ErrorParlo extends Error {
  constructor(mensaje, { tipo = "Error", datos = null } = {}) {
    super(mensaje);
    this.tipo = tipo;
    this.datos = datos;
  }
}

const SIN_CONEXION = "No pudimos conectar con Parlo. Revisa tu conexión e inténtalo de nuevo.";
const FALLA_SERVIDOR = "Algo salió mal de nuestro lado. Inténtalo de nuevo en un momento.";
const SESION_VENCIDA = "Tu sesión terminó. Vuelve a iniciar sesión.";

let alPerderSesion = () => {};
export function alExpirarSesion(fn) {
  alPerderSesion = fn;
}

/** Run one operation; returns `data` or throws ErrorParlo with a Spanish message. */
export async function gql(query, variables = {}) {
  const sesion = sesionActual();
  const cabeceras = { "Content-Type": "application/json", Accept: "application/json" };
  if (sesion) cabeceras.Authorization = `Bearer ${sesion.token}`;
  let respuesta;
  try {
    respuesta = await fetch("/graphql", {
      method: "POST", headers: cabeceras, body: JSON.stringify({ query, variables }), credentials: "omit",
    });
  } catch (e) {
    console.error("graphql: red", e);
    throw new ErrorParlo(SIN_CONEXION, { tipo: "SinConexion" });
  }
  if (respuesta.status === 401) return perderSesion();
  let cuerpo;
  try {
    cuerpo = await respuesta.json();
  } catch (e) {
    console.error("graphql: respuesta no es JSON", respuesta.status, e);
    throw new ErrorParlo(FALLA_SERVIDOR, { tipo: "Servidor" });
  }
  if (cuerpo.errors?.length) {
    console.error("graphql:", cuerpo.errors);
    if (cuerpo.errors.some((e) => /^Cannot query field/.test(e.message ?? ""))) {
      // An older server without this feature (e.g. rebooking before issue 8 is deployed).
      throw new ErrorParlo("Esto todavía no está disponible en tu servidor de Parlo.", { tipo: "NoDisponible" });
    }
    if (cuerpo.errors.some(esDeSesion)) return perderSesion();
    // List queries report expected failures as errors coded with the Problem's name and a
    // Spanish message; anything else is shown only if it is plainly Spanish.
    const espanol = cuerpo.errors.find((e) => PROBLEMAS.has(e.extensions?.code))?.message
      ?? cuerpo.errors.map((e) => e.message).find(pareceEspanol);
    if (!cuerpo.data || Object.values(cuerpo.data).every((v) => v === null)) {
      throw new ErrorParlo(espanol ?? FALLA_SERVIDOR, { tipo: "Servidor" });
    }
  }
  if (!respuesta.ok && !cuerpo.data) throw new ErrorParlo(FALLA_SERVIDOR, { tipo: "Servidor" });
  return cuerpo.data;
}

/**
 * A mutation's union result: returns it when it is the success type, throws ErrorParlo
 * with the server's Spanish message when it is a Problem.
 */
export function exito(resultado, { cuidaSesion = true } = {}) {
  if (resultado == null) throw new ErrorParlo(FALLA_SERVIDOR, { tipo: "Servidor" });
  if (PROBLEMAS.has(resultado.__typename)) {
    // Signing in answers "not authenticated" for a wrong password or a spent link: that is
    // the form's error, not a lost session.
    if (resultado.__typename === "NotAuthenticated" && cuidaSesion) perderSesion();
    throw new ErrorParlo(resultado.message, { tipo: resultado.__typename, datos: resultado });
  }
  return resultado;
}

/** Query fields may also answer with a Problem (e.g. PermissionDenied). */
export const dato = exito;

const PROBLEMAS = new Set(["NotFound", "PermissionDenied", "NotAuthenticated", "ValidationError", "OutsideHours",
  "SlotTaken", "Conflict", "Suspended"]);

function esDeSesion(error) {
  const codigo = error.extensions?.code ?? "";
  return codigo === "UNAUTHENTICATED" || codigo === "NOT_AUTHENTICATED" || codigo === "NotAuthenticated";
}

function perderSesion() {
  cerrarSesion();
  alPerderSesion(SESION_VENCIDA);
  throw new ErrorParlo(SESION_VENCIDA, { tipo: "NotAuthenticated" });
}

// A server message is shown only if it is plainly Spanish (accents or common Spanish words);
// GraphQL's own validation messages are English and stay in the console.
const PALABRAS = /[áéíóúñ¿¡]|\b(no|el|la|los|las|de|que|tu|tienes|ese|esa|este|esta|hay|para|con|una?)\b/i;
function pareceEspanol(texto) {
  return typeof texto === "string" && PALABRAS.test(texto) && !/\b(the|is|not|of|for|field|type)\b/i.test(texto);
}

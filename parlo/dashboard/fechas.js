// Dates and times in the salon's time zone (never the browser's), written the way the
// product speaks: "viernes 16 de enero", "3:00 PM", "$150".

export const DIAS = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"];
const MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
  "septiembre", "octubre", "noviembre", "diciembre"];

const cacheFormatos = new Map();
function partesEn(zona, instante) {
  let f = cacheFormatos.get(zona);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zona, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    cacheFormatos.set(zona, f);
  }
  const p = {};
  for (const { type, value } of f.formatToParts(instante)) p[type] = value;
  return { y: +p.year, m: +p.month, d: +p.day, hh: +p.hour % 24, mi: +p.minute, s: +p.second };
}

/** "YYYY-MM-DD" of an instant, in the zone. */
export function fechaLocal(instante, zona) {
  const p = partesEn(zona, new Date(instante));
  return `${p.y}-${dos(p.m)}-${dos(p.d)}`;
}

/** Minutes since local midnight of an instant, in the zone. */
export function minutosDelDia(instante, zona) {
  const p = partesEn(zona, new Date(instante));
  return p.hh * 60 + p.mi;
}

/** "HH:MM" (24 h, for <input type=time>) of an instant in the zone. */
export function horaInput(instante, zona) {
  const p = partesEn(zona, new Date(instante));
  return `${dos(p.hh)}:${dos(p.mi)}`;
}

/** The UTC instant (ISO string) of a local date and "HH:MM" in the zone; DST-safe. */
export function instanteUTC(fecha, hora, zona) {
  const [y, m, d] = fecha.split("-").map(Number);
  const [hh, mi] = hora.split(":").map(Number);
  const deseado = Date.UTC(y, m - 1, d, hh, mi);
  let t = deseado;
  for (let i = 0; i < 3; i += 1) {
    const p = partesEn(zona, new Date(t));
    const visto = Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mi);
    if (visto === deseado) break;
    t += deseado - visto;
  }
  return new Date(t).toISOString();
}

/** "3:00 PM" */
export function hora(instante, zona) {
  const p = partesEn(zona, new Date(instante));
  return horaDeMinutos(p.hh * 60 + p.mi);
}

export function horaDeMinutos(minutos) {
  const hh = Math.floor(minutos / 60) % 24;
  const mi = minutos % 60;
  const h12 = hh % 12 === 0 ? 12 : hh % 12;
  return `${h12}:${dos(mi)} ${hh < 12 ? "AM" : "PM"}`;
}

/** "HH:MM" (24 h) → "3:00 PM" */
export function horaDeTexto(hhmm) {
  const [hh, mi] = hhmm.split(":").map(Number);
  return horaDeMinutos(hh * 60 + mi);
}

/** "viernes 16 de enero" from "YYYY-MM-DD" */
export function fechaLarga(fecha) {
  const [y, m, d] = fecha.split("-").map(Number);
  return `${DIAS[diaSemana(fecha)]} ${d} de ${MESES[m - 1]}${y !== anioActual() ? ` de ${y}` : ""}`;
}

/** "vie 16 ene" from "YYYY-MM-DD" */
export function fechaCorta(fecha) {
  const [, m, d] = fecha.split("-").map(Number);
  return `${DIAS[diaSemana(fecha)].slice(0, 3)} ${d} ${MESES[m - 1].slice(0, 3)}`;
}

/** "16 de enero de 2026, 3:00 PM" for timestamps (messages, activity). */
export function momento(instante, zona) {
  const f = fechaLocal(instante, zona);
  const [y, m, d] = f.split("-").map(Number);
  return `${d} de ${MESES[m - 1]} de ${y}, ${hora(instante, zona)}`;
}

/** 0 = lunes … 6 = domingo, like the server's weekdays. */
export function diaSemana(fecha) {
  const [y, m, d] = fecha.split("-").map(Number);
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

export function sumarDias(fecha, n) {
  const [y, m, d] = fecha.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return `${t.getUTCFullYear()}-${dos(t.getUTCMonth() + 1)}-${dos(t.getUTCDate())}`;
}

/** The Monday of the week that holds `fecha`. */
export function inicioSemana(fecha) {
  return sumarDias(fecha, -diaSemana(fecha));
}

export function hoy(zona) {
  return fechaLocal(Date.now(), zona);
}

function anioActual() {
  return new Date().getFullYear();
}

/** "$150" or "$1,250.50" from centavos. */
export function dinero(centavos) {
  const pesos = (centavos ?? 0) / 100;
  const opciones = Number.isInteger(pesos) ? { maximumFractionDigits: 0 } : { minimumFractionDigits: 2 };
  return `$${pesos.toLocaleString("es-MX", opciones)}`;
}

/** "45 min", "1 h", "1 h 15 min" */
export function duracion(minutos) {
  const h = Math.floor(minutos / 60);
  const m = minutos % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}

function dos(n) {
  return String(n).padStart(2, "0");
}

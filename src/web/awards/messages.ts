/** After submission: the strings of these pages, English and Spanish (each in its own file: together they pass 400 lines). */
export { awardsEn } from './messages-en';
export { awardsEs } from './messages-es';

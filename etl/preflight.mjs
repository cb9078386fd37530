// Refuses to run on a Node.js older than the project needs, with the fix. npm scripts run on the
// Node 24 that the `node` devDependency installs into node_modules/.bin; `npm ci --ignore-scripts`
// skips that install and leaves the system Node in place.

const [major] = process.versions.node.split('.').map(Number);

if (major < 24) {
  console.error(
    `✖ Нужен Node.js 24 или новее, запущен ${process.version}. Выполните «npm ci» без --ignore-scripts и запускайте команды через npm (npm start, npm test).\n` +
      `✖ Node.js 24 or newer is required, this is ${process.version}. Run "npm ci" without --ignore-scripts and start commands through npm (npm start, npm test).`,
  );
  process.exit(3);
}

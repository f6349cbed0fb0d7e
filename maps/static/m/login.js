// The login page: install the service worker early so the app's shell is kept for offline use.
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/m/sw.js', {scope: '/m/'}).catch(() => null);

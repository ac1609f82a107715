# One image for the app and the sidecar (they share the pricing table).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json vite.config.ts ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# Set after the build: npm ci skips devDependencies (prisma, vite) under production.
ENV NODE_ENV=production
EXPOSE 8000 3001
CMD ["npm", "start"]

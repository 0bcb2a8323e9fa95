import { createTheme, type CSSVariablesResolver } from '@mantine/core';

// Shade 8 for filled buttons, badges and links, and a darker "dimmed" grey: Mantine's
// defaults (shade 6, grey 6) fall under WCAG AA contrast (4.5:1) on white.
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  components: {
    // Links inside sentences must not rely on colour alone.
    Anchor: { defaultProps: { underline: 'always' } },
  },
});

export const cssVariables: CSSVariablesResolver = (mantine) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': mantine.colors.gray[7],
    '--mantine-color-blue-light-color': mantine.colors.blue[9],
    '--mantine-color-green-light-color': mantine.colors.green[9],
  },
  dark: {},
});

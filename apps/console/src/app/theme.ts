import type { ThemeConfig } from 'antd'

/** The console's antd theme: the platform blue, compact radii, system fonts only (nothing is downloaded). */
export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1664ff',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'PingFang SC', 'Hiragino Sans', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans CJK JP', sans-serif",
  },
  components: {
    Layout: { siderBg: '#001529', headerBg: '#ffffff', headerPadding: '0 24px' },
  },
}
